from django.urls import path
from rest_framework.routers import SimpleRouter

from coe.api import views

router = SimpleRouter()
router.register("departments", views.DepartmentViewSet, basename="department")
router.register("users", views.PersonViewSet, basename="user")
# The CoE's own records register here, one module per area (coe.api.<area>): charter and
# objectives, library, maturity, steering, techstack.

urlpatterns = [
    path("me/", views.MeView.as_view(), name="me"),
    path("me/token/", views.MyTokenView.as_view(), name="me-token"),
    path("auth/token/", views.ObtainTokenView.as_view(), name="auth-token"),
    *router.urls,
]
