"""Admin of the analytics app: every model registered here with search and filters."""
