"""Pages of the governance app (added by its issue)."""

app_name = "governance"

urlpatterns: list = []
