"""Admin of the analytics app, one module per area; every model registered with search and filters."""
