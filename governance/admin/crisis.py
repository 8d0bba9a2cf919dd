"""Crisis plans and incidents in the admin. Plans (with their scenarios and holding statements)
can be corrected here, audited like the page's changes. Incidents are declared, resolved and
reviewed on the crisis pages only (the freeze and the alerts go with them): here they are read,
and their timeline can never be edited."""

from django.contrib import admin

from coe.audit import audit
from governance.models import CrisisIncident, CrisisPlan, CrisisScenario, HoldingStatement, IncidentUpdate
from governance.permissions import forget_crisis_named_people


class CrisisScenarioInline(admin.StackedInline):
    model = CrisisScenario
    extra = 0


class HoldingStatementInline(admin.StackedInline):
    model = HoldingStatement
    extra = 0


@admin.register(CrisisPlan)
class CrisisPlanAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active", "shortcut_coe_approvals", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "purpose"]
    filter_horizontal = ["escalation_contacts", "spokespeople"]
    inlines = [CrisisScenarioInline, HoldingStatementInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        forget_crisis_named_people()
        audit(
            actor=request.user,
            action="plan.changed" if change else "plan.created",
            obj=form.instance,
            summary=f"The crisis plan “{form.instance}” was {'changed' if change else 'created'} in the admin.",
            data={"fields": sorted(form.changed_data)},
        )

    def has_delete_permission(self, request, obj=None) -> bool:
        # A plan with incidents keeps its history; archive it (is_active) instead.
        if obj is not None and obj.incidents.exists():
            return False
        return super().has_delete_permission(request, obj)


@admin.register(CrisisScenario)
class CrisisScenarioAdmin(admin.ModelAdmin):
    list_display = ["name", "plan", "default_severity"]
    list_filter = ["plan", "default_severity"]
    search_fields = ["name", "description", "first_steps"]


@admin.register(HoldingStatement)
class HoldingStatementAdmin(admin.ModelAdmin):
    list_display = ["title", "plan", "scenario"]
    list_filter = ["plan"]
    search_fields = ["title", "text"]


class IncidentUpdateInline(admin.TabularInline):
    model = IncidentUpdate
    extra = 0
    fields = ["created_at", "kind", "author", "text"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CrisisIncident)
class CrisisIncidentAdmin(admin.ModelAdmin):
    list_display = ["title", "severity", "status", "all_channels", "declared_at", "declared_by", "resolved_at"]
    list_filter = ["status", "severity", "all_channels", "plan"]
    search_fields = ["title", "first_statement", "review_summary"]
    date_hierarchy = "declared_at"
    list_select_related = ["declared_by"]
    readonly_fields = [field.name for field in CrisisIncident._meta.fields] + ["channels"]
    inlines = [IncidentUpdateInline]

    def has_add_permission(self, request) -> bool:
        return False  # declaring freezes publishing and alerts people: /governance/crisis/declare/

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(IncidentUpdate)
class IncidentUpdateAdmin(admin.ModelAdmin):
    list_display = ["incident", "kind", "author", "created_at"]
    list_filter = ["kind"]
    search_fields = ["text", "incident__title"]
    readonly_fields = [field.name for field in IncidentUpdate._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
