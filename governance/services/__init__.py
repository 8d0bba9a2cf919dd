"""Every write of governance, one module per area: policies, rules, crisis, audit."""
