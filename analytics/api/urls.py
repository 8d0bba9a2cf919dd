"""Analytics' resources under /api/v1/: snapshots (bulk, idempotent), rollups and BI exports,
KPIs, investment, ROI, listening topics, mentions and alerts."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Each area registers its viewsets here (analytics.api.<area>); plain paths go in `extra`.
extra: list = []

urlpatterns = router.urls + extra
