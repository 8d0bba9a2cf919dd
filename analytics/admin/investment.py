"""Investment, value settings and report deliveries in the admin, read only: entries are recorded,
changed and imported on the investment pages and value settings on their page (both audited
there); deliveries are written by the monthly report."""

from django.contrib import admin

from analytics.models import Investment, ReportDelivery, ValueSettings
from coe.admin.base import ReadOnlyAdmin


@admin.register(Investment)
class InvestmentAdmin(ReadOnlyAdmin):
    list_display = ["month", "department", "category", "amount", "hours", "loaded_rate", "fte_share", "cost", "note"]
    list_filter = ["category", "department"]
    search_fields = ["note", "department__name"]
    date_hierarchy = "month"
    list_select_related = ["department"]


@admin.register(ValueSettings)
class ValueSettingsAdmin(ReadOnlyAdmin):
    list_display = ["currency", "value_per_engagement", "value_per_lead", "changed_by", "changed_at"]


@admin.register(ReportDelivery)
class ReportDeliveryAdmin(ReadOnlyAdmin):
    list_display = ["report", "period_start", "recipients", "sent_at"]
    list_filter = ["report"]
