"""Admin of the governance app: every model registered here with search and filters."""
