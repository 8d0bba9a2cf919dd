"""Governance's resources under /api/v1/: policies and acknowledgments, content rules (with a
``check`` action), crisis plans and incidents, audit entries (read-only)."""

from rest_framework.routers import SimpleRouter

from governance.api import audit, crisis, policies, rules

router = SimpleRouter()
# Each area registers its viewsets here (governance.api.<area>).
router.register("audit-entries", audit.AuditEntryViewSet, basename="audit-entry")
router.register("content-rules", rules.ContentRuleViewSet, basename="content-rule")
router.register("crisis-plans", crisis.CrisisPlanViewSet, basename="crisis-plan")
router.register("crisis-incidents", crisis.CrisisIncidentViewSet, basename="crisis-incident")
router.register("policies", policies.PolicyViewSet, basename="policy")
router.register("policy-versions", policies.PolicyVersionViewSet, basename="policy-version")
router.register("acknowledgments", policies.AcknowledgmentViewSet, basename="acknowledgment")
router.register("policy-compliance", policies.PolicyComplianceViewSet, basename="policy-compliance")

urlpatterns = router.urls
