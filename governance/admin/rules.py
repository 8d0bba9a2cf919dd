"""Content rules in the admin: list, search and filter; every save and delete goes through the
rule services, so settings are checked, the audit trail is written and rulesets recompile."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from coe.errors import DomainError
from governance.models import ContentRule
from governance.services import rules as services


class ContentRuleAdminForm(forms.ModelForm):
    class Meta:
        model = ContentRule
        fields = [
            "name",
            "kind",
            "severity",
            "config",
            "explanation",
            "policy",
            "clause",
            "clause_anchor",
            "applies_everywhere",
            "channels",
            "departments",
            "review_stage_name",
            "review_group",
            "review_people",
            "is_active",
        ]

    def clean(self):
        """The services' checks, with their messages, before anything is saved."""
        cleaned = super().clean()
        if self.errors:
            return cleaned
        fields = {name: cleaned[name] for name in services.RULE_FIELDS if name in cleaned}
        try:
            services.rule_validate(rule=self.instance if self.instance.pk else None, fields=fields)
        except DomainError as error:
            placed = {name: messages for name, messages in error.fields.items() if name in self.fields}
            raise ValidationError(placed or error.message) from error
        return cleaned


@admin.register(ContentRule)
class ContentRuleAdmin(admin.ModelAdmin):
    form = ContentRuleAdminForm
    list_display = ["name", "kind", "severity", "applies_everywhere", "review_stage_name", "is_active", "updated_at"]
    list_filter = ["kind", "severity", "is_active", "applies_everywhere", "policy"]
    search_fields = ["name", "explanation", "clause"]
    readonly_fields = ["created_by", "created_at", "updated_at"]
    filter_horizontal = ["channels", "departments", "review_people"]
    actions = ["switch_off", "switch_on"]

    def save_model(self, request, obj, form, change):
        fields = {
            name: form.cleaned_data[name] for name in ContentRuleAdminForm.Meta.fields if name in form.cleaned_data
        }
        if change:
            saved = services.rule_update(actor=request.user, rule=ContentRule.objects.get(pk=obj.pk), changes=fields)
        else:
            saved = services.rule_create(actor=request.user, fields=fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        """The service already set the many-to-many fields."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def delete_model(self, request, obj):
        services.rule_delete(actor=request.user, rule=obj)

    def delete_queryset(self, request, queryset):
        for rule in queryset:
            services.rule_delete(actor=request.user, rule=rule)

    @admin.action(description="Switch off the selected rules")
    def switch_off(self, request, queryset):
        for rule in queryset:
            services.rule_deactivate(actor=request.user, rule=rule)
        messages.success(request, "Switched off.")

    @admin.action(description="Switch on the selected rules")
    def switch_on(self, request, queryset):
        problems = []
        for rule in queryset:
            try:
                services.rule_activate(actor=request.user, rule=rule)
            except DomainError as error:
                problems.append(f"{rule}: {error.message}")
        for problem in problems:
            messages.error(request, problem)
        if not problems:
            messages.success(request, "Switched on.")
