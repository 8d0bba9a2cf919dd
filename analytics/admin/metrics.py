"""Metrics in the admin, read-only: snapshots arrive through the bulk API, CSV imports and the
adapters' fetch (validated, idempotent, marking days for the rollups); rollups are written only by
the rollup SQL; imports are started on the import page. The admin bypasses none of them."""

from django.contrib import admin

from analytics.models import DirtyDay, MetricImport, MetricRollup, MetricSnapshot
from coe.admin.base import ReadOnlyAdmin


@admin.register(MetricSnapshot)
class MetricSnapshotAdmin(ReadOnlyAdmin):
    list_display = ["captured_at", "channel", "publication", "impressions", "likes", "followers", "source"]
    list_filter = ["source", "channel"]
    list_select_related = ["channel"]
    search_fields = ["publication__external_id", "channel__name"]
    date_hierarchy = "captured_at"
    raw_id_fields = ["publication"]


@admin.register(MetricRollup)
class MetricRollupAdmin(ReadOnlyAdmin):
    list_display = ["period", "period_start", "channel", "department", "campaign", "theme", "posts", "impressions"]
    list_filter = ["period", "department", "channel"]
    list_select_related = ["channel", "department", "campaign", "theme"]
    date_hierarchy = "period_start"


@admin.register(DirtyDay)
class DirtyDayAdmin(ReadOnlyAdmin):
    list_display = ["day", "channel", "marked_at"]
    list_filter = ["channel"]


@admin.register(MetricImport)
class MetricImportAdmin(ReadOnlyAdmin):
    list_display = ["created_at", "filename", "mode", "status", "total_rows", "created_count", "error_count"]
    list_filter = ["status", "mode"]
    search_fields = ["filename"]
    exclude = ["content"]
