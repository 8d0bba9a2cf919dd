"""Training's resources under /api/v1/: modules and lessons, attempts (start, answer, submit),
certificates and verification, assignments, reports."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Each area registers its viewsets here (training.api.<area>).
from training.api import certification as certification_api  # noqa: E402
from training.api import content as content_api  # noqa: E402
from training.api import quizzes as quiz_api  # noqa: E402

router.register("modules", content_api.ModuleViewSet, basename="module")
router.register("lessons", content_api.LessonViewSet, basename="lesson")
router.register("questions", content_api.QuestionViewSet, basename="question")
router.register("attempts", quiz_api.AttemptViewSet, basename="attempt")
router.register("accommodations", quiz_api.AccommodationViewSet, basename="accommodation")
router.register("tracks", certification_api.TrackViewSet, basename="track")
router.register("certificates", certification_api.CertificateViewSet, basename="certificate")
from training.api import assignments as assignment_api  # noqa: E402

router.register("training-assignments", assignment_api.AssignmentViewSet, basename="training-assignment")
router.register("my-learning", assignment_api.MyLearningViewSet, basename="my-learning")
router.register("training-report", assignment_api.TrainingReportViewSet, basename="training-report")

urlpatterns = router.urls
