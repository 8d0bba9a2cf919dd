"""Pages of the training app (added by its issue)."""

app_name = "training"

urlpatterns: list = []
