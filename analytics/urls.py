"""Pages of the analytics app: the CoE dashboard, the ROI report, investment, KPIs, listening,
metric imports."""

from django.urls import path

from analytics.views import dashboard as dashboard_views
from analytics.views import ingest as ingest_views
from analytics.views import investment as investment_views
from analytics.views import kpis as kpi_views
from analytics.views import listening as listening_views
from analytics.views import roi as roi_views

app_name = "analytics"

urlpatterns: list = [
    # --- dashboard and KPIs (analytics.views.dashboard, analytics.views.kpis) ---
    path("dashboard/", dashboard_views.dashboard, name="dashboard"),
    path("dashboard/posts/", dashboard_views.drilldown, name="drilldown"),
    path("kpis/", kpi_views.kpi_list, name="kpis"),
    path("kpis/new/", kpi_views.kpi_create, name="kpi_create"),
    path("kpis/<int:pk>/", kpi_views.kpi_edit, name="kpi_edit"),
    path("kpis/<int:pk>/target/", kpi_views.kpi_target_set, name="kpi_target_set"),
    path("kpis/<int:pk>/deactivate/", kpi_views.kpi_deactivate, name="kpi_deactivate"),
    # --- metrics in: CSV upload (analytics.views.ingest) ---
    path("metrics/import/", ingest_views.metrics_import, name="metrics_import"),
    path("metrics/import/template.csv", ingest_views.metrics_import_template, name="metrics_import_template"),
    path("metrics/import/<int:pk>/", ingest_views.metrics_import_detail, name="metrics_import_detail"),
    # --- ROI and investment (analytics.views.roi, analytics.views.investment) ---
    path("roi/", roi_views.roi, name="roi"),
    path("roi/export.csv", roi_views.roi_export, name="roi_export"),
    path("roi/value-settings/", investment_views.value_settings, name="value_settings"),
    path("investment/", investment_views.investment, name="investment"),
    path("investment/new/", investment_views.investment_create, name="investment_create"),
    path("investment/<int:pk>/edit/", investment_views.investment_edit, name="investment_edit"),
    path("investment/<int:pk>/delete/", investment_views.investment_delete, name="investment_delete"),
    path("investment/import/", investment_views.investment_import, name="investment_import"),
    path(
        "investment/import/template.csv",
        investment_views.investment_import_template,
        name="investment_import_template",
    ),
    # --- listening (analytics.views.listening) ---
    path("listening/", listening_views.listening, name="listening"),
    path("listening/mentions/", listening_views.listening_mentions, name="listening_mentions"),
    path("listening/mentions/import/", listening_views.mentions_import, name="mentions_import"),
    path("listening/topics/", listening_views.listening_topics, name="listening_topics"),
    path("listening/topics/new/", listening_views.listening_topic_edit, name="listening_topic_create"),
    path("listening/topics/<int:pk>/", listening_views.listening_topic_edit, name="listening_topic_edit"),
    path("listening/topics/preview/", listening_views.listening_topic_preview, name="listening_topic_preview"),
    path("listening/alerts/<int:pk>/dismiss/", listening_views.listening_alert_dismiss, name="listening_alert_dismiss"),
    path("listening/alerts/<int:pk>/declare/", listening_views.listening_alert_declare, name="listening_alert_declare"),
]
