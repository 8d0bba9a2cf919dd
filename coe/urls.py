"""Root URLs: each app's pages under its own prefix, the API under /api/v1/."""

from django.conf import settings
from django.contrib import admin
from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from coe import views

# Every app's resources sit side by side under /api/v1/ (/api/v1/posts/, /api/v1/channels/ …).
api_v1 = [
    path("", include("coe.api.urls")),
    path("", include("governance.api.urls")),
    path("", include("training.api.urls")),
    path("", include("publishing.api.urls")),
    path("", include("analytics.api.urls")),
]

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("accounts/profile/", views.profile, name="profile"),
    path("notifications/", views.notification_list, name="notifications"),
    path("notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("notifications/read-all/", views.notifications_read_all, name="notifications_read_all"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("coe/", include("coe.urls_pages")),
    path("governance/", include("governance.urls")),
    path("training/", include("training.urls")),
    path("publishing/", include("publishing.urls")),
    path("analytics/", include("analytics.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/", include((api_v1, "api"), namespace="api")),
    path("api/schema/", login_not_required(SpectacularAPIView.as_view()), name="api-schema"),
    path("api/docs/", login_not_required(SpectacularSwaggerView.as_view(url_name="api-schema")), name="api-docs"),
]

handler400 = "coe.views.bad_request"
handler403 = "coe.views.permission_denied"
handler404 = "coe.views.page_not_found"
handler500 = "coe.views.server_error"

admin.site.site_header = "CoE Hub administration"
admin.site.site_title = "CoE Hub admin"
admin.site.index_title = "Records"

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
