"""Governance's pages, one module per area: policies, rules, crisis, audit."""
