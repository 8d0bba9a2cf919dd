"""Governance's resources under /api/v1/: policies and acknowledgments, content rules (with a
``check`` action), crisis plans and incidents, audit entries (read-only)."""

from rest_framework.routers import SimpleRouter

from governance.api import audit

router = SimpleRouter()
# Each area registers its viewsets here (governance.api.<area>).
router.register("audit-entries", audit.AuditEntryViewSet, basename="audit-entry")

urlpatterns = router.urls
