"""Every read of analytics, scoped to the person asking (analytics.permissions), one module per area."""
