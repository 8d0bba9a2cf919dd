"""KPIs and their targets in the admin, read only: they are set on the KPI pages (and the API),
which check the metric, the aggregation and the period of every target."""

from django.contrib import admin

from analytics.models import Kpi, KpiTarget
from coe.admin.base import ReadOnlyAdmin


class KpiTargetInline(admin.TabularInline):
    model = KpiTarget
    extra = 0
    can_delete = False
    fields = ["period_start", "target"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Kpi)
class KpiAdmin(ReadOnlyAdmin):
    list_display = ["name", "metric", "aggregation", "cadence", "department", "objective", "is_active"]
    list_filter = ["aggregation", "cadence", "is_active", "department"]
    search_fields = ["name", "description"]
    inlines = [KpiTargetInline]
