"""Admin of the training app, one module per area; every model registered with search and filters."""
