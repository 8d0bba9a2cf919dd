"""Pages of the analytics app (added by its issue)."""

app_name = "analytics"

urlpatterns: list = []
