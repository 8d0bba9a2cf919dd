"""Training's resources under /api/v1/: modules and lessons, attempts (start, answer, submit),
certificates and verification, assignments, reports."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Each area registers its viewsets here (training.api.<area>).

urlpatterns = router.urls
