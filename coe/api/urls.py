from django.urls import path
from rest_framework.routers import SimpleRouter

from coe.api import charter as charter_api
from coe.api import library as library_api
from coe.api import maturity as maturity_api
from coe.api import steering as steering_api
from coe.api import techstack as techstack_api
from coe.api import views

router = SimpleRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("users", views.PersonViewSet, basename="user")
# The CoE's own records register here, one module per area (coe.api.<area>): charter and
# objectives, library, maturity, steering, techstack.
router.register("charter-versions", charter_api.CharterVersionViewSet, basename="charter-version")
router.register("objectives", charter_api.ObjectiveViewSet, basename="objective")
router.register("practices", library_api.PracticeViewSet, basename="practice")
router.register("practice-tags", library_api.PracticeTagViewSet, basename="practice-tag")
router.register("steering-members", steering_api.SteeringMemberViewSet, basename="steering-member")
router.register("steering-meetings", steering_api.SteeringMeetingViewSet, basename="steering-meeting")
router.register("action-items", steering_api.ActionItemViewSet, basename="action-item")
router.register("department-insights", steering_api.DepartmentInsightViewSet, basename="department-insight")
router.register("maturity-assessments", maturity_api.MaturityAssessmentViewSet, basename="maturity-assessment")
router.register("maturity-questions", maturity_api.MaturityQuestionViewSet, basename="maturity-question")
router.register(
    "maturity-recommendations", maturity_api.MaturityRecommendationViewSet, basename="maturity-recommendation"
)
router.register("tools", techstack_api.ToolViewSet, basename="tool")
router.register("evaluations", techstack_api.EvaluationViewSet, basename="evaluation")
router.register(
    "evaluation-requirements", techstack_api.EvaluationRequirementViewSet, basename="evaluation-requirement"
)
router.register("evaluation-candidates", techstack_api.EvaluationCandidateViewSet, basename="evaluation-candidate")

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/token/", views.MyTokenView.as_view(), name="me-token"),
    path("auth/token/", views.ObtainTokenView.as_view(), name="auth-token"),
    *router.urls,
]
