"""Admin of the training app: every model registered here with search and filters."""
