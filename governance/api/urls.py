"""API endpoints of the governance app, under /api/v1/governance/ (added by its issue)."""

urlpatterns: list = []
