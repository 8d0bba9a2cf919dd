"""The tools inventory and evaluations in the admin, read only: they are written on the tech-stack
pages and the API (checked and audited by coe.services.techstack)."""

from django.contrib import admin

from coe.models import Evaluation, EvaluationCandidate, EvaluationRequirement, Tool


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Tool)
class ToolAdmin(_ReadOnly):
    list_display = [
        "name",
        "vendor",
        "category",
        "owner",
        "department",
        "yearly_cost",
        "currency",
        "renewal_on",
        "is_active",
    ]
    list_filter = ["category", "is_active", "currency"]
    search_fields = ["name", "vendor", "notes"]
    list_select_related = ["owner", "department"]


class _RequirementInline(admin.TabularInline):
    model = EvaluationRequirement
    extra = 0
    can_delete = False
    fields = ["position", "name", "weight", "description"]

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class _CandidateInline(_RequirementInline):
    model = EvaluationCandidate
    fields = ["name", "yearly_cost", "notes"]


@admin.register(Evaluation)
class EvaluationAdmin(_ReadOnly):
    list_display = ["title", "category", "status", "recommended", "finished_at", "created_at"]
    list_filter = ["status", "category"]
    search_fields = ["title", "purpose", "recommendation"]
    list_select_related = ["recommended"]
    inlines = [_RequirementInline, _CandidateInline]
