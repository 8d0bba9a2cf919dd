"""Analytics' resources under /api/v1/: snapshots (bulk, idempotent), rollups and BI exports,
KPIs, investment, ROI, listening topics, mentions and alerts."""

from rest_framework.routers import SimpleRouter

router = SimpleRouter()
# Each area registers its viewsets here (analytics.api.<area>); plain paths go in `extra`.
extra: list = []

# --- dashboard and KPIs ---
from django.urls import path  # noqa: E402

from analytics.api import figures as figures_api  # noqa: E402
from analytics.api import kpis as kpi_api  # noqa: E402

router.register("kpis", kpi_api.KpiViewSet, basename="kpi")
router.register("kpi-targets", kpi_api.KpiTargetViewSet, basename="kpi-target")
extra.append(path("figures/", figures_api.FiguresView.as_view(), name="figures"))

# --- ROI and investment ---
from analytics.api import investment as investment_api  # noqa: E402
from analytics.api import roi as roi_api  # noqa: E402

router.register("investments", investment_api.InvestmentViewSet, basename="investment")
router.register("investment-imports", investment_api.InvestmentImportViewSet, basename="investment-import")
extra.append(path("value-settings/", investment_api.ValueSettingsView.as_view(), name="value-settings"))
extra.append(path("roi/", roi_api.RoiView.as_view(), name="roi"))

# --- listening ---
from analytics.api import listening as listening_api  # noqa: E402

router.register("listening-topics", listening_api.ListeningTopicViewSet, basename="listening-topic")
router.register("mentions", listening_api.MentionViewSet, basename="mention")
router.register("listening-alerts", listening_api.ListeningAlertViewSet, basename="listening-alert")

# --- metrics in and BI export ---
from analytics.api import metrics as metrics_api  # noqa: E402

router.register("metric-snapshots", metrics_api.MetricSnapshotViewSet, basename="metric-snapshot")
router.register("metric-imports", metrics_api.MetricImportViewSet, basename="metric-import")
extra.append(path("exports/rollups.csv", metrics_api.RollupCsvExportView.as_view(), name="export-rollups-csv"))
extra.append(path("exports/rollups.json", metrics_api.RollupJsonExportView.as_view(), name="export-rollups-json"))

urlpatterns = router.urls + extra
