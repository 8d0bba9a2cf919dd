"""Every read of governance, scoped to the person asking (governance.permissions), one module per
area: policies, rules, crisis, audit."""
