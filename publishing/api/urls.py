"""Publishing's resources under /api/v1/."""

from rest_framework.routers import SimpleRouter

from publishing.api import views

router = SimpleRouter()
router.register("channels", views.ChannelViewSet, basename="channel")
router.register("posts", views.PostViewSet, basename="post")
router.register("publications", views.PublicationViewSet, basename="publication")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("review-queue", views.ReviewQueueViewSet, basename="review-queue")
router.register("approval-policies", views.ApprovalPolicyViewSet, basename="approval-policy")
router.register("campaigns", views.CampaignViewSet, basename="campaign")
router.register("themes", views.ContentThemeViewSet, basename="theme")

urlpatterns = router.urls
