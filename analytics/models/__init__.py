"""Analytics' records: metric snapshots as networks report them and their rollups, KPIs with
targets, investment and the value settings behind ROI, social listening, and report deliveries."""

from analytics.models.imports import MetricImport
from analytics.models.investment import Investment, InvestmentCategory, ValueSettings
from analytics.models.kpis import Kpi, KpiTarget
from analytics.models.listening import ListeningAlert, ListeningTopic, Mention, TopicHour
from analytics.models.metrics import METRIC_FIELDS, DirtyDay, MetricRollup, MetricSnapshot, Period
from analytics.models.reports import ReportDelivery

__all__ = [
    "METRIC_FIELDS",
    "DirtyDay",
    "Investment",
    "InvestmentCategory",
    "Kpi",
    "KpiTarget",
    "ListeningAlert",
    "ListeningTopic",
    "Mention",
    "MetricImport",
    "MetricRollup",
    "MetricSnapshot",
    "Period",
    "ReportDelivery",
    "TopicHour",
    "ValueSettings",
]
