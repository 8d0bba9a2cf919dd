"""Pages of the analytics app: the CoE dashboard, the ROI report, investment, KPIs, listening,
metric imports."""

from django.urls import path  # noqa: F401 - each area adds its pages below

app_name = "analytics"

urlpatterns: list = [
    # --- dashboard and KPIs (analytics.views.dashboard, analytics.views.kpis) ---
    # --- metrics in: CSV upload (analytics.views.ingest) ---
    # --- ROI and investment (analytics.views.roi, analytics.views.investment) ---
    # --- listening (analytics.views.listening) ---
]
