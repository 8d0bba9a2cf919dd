from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics: metrics, KPIs, ROI, listening"

    def ready(self) -> None:
        from analytics import extensions

        extensions.register()
