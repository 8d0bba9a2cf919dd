"""API endpoints of the training app, under /api/v1/training/ (added by its issue)."""

urlpatterns: list = []
