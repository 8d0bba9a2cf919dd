"""API endpoints of the analytics app, under /api/v1/analytics/ (added by its issue)."""

urlpatterns: list = []
