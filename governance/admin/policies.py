"""Policies in the admin: search, filters and a read of everything; writes go through the same
services as the pages. A policy's settings and a draft's text can be changed here; published and
retired versions, acknowledgments and reminders are the record and stay read-only."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.utils.html import format_html

from coe.admin.base import ReadOnlyAdmin
from coe.errors import DomainError
from governance import permissions
from governance.models import Acknowledgment, AcknowledgmentReminder, Policy, PolicyVersion
from governance.services import policies as services

POLICY_ADMIN_FIELDS = [
    "title",
    "category",
    "summary",
    "owner",
    "review_due_on",
    "audience_everyone",
    "audience_departments",
    "audience_roles",
    "acknowledge_within_days",
]


class PolicyAdminForm(forms.ModelForm):
    """Runs the service's rules (one policy per category, an audience …) as form validation, so a
    refusal shows on the form instead of failing the save."""

    class Meta:
        model = Policy
        fields = POLICY_ADMIN_FIELDS

    def clean(self):
        cleaned = super().clean()
        fields = {name: cleaned[name] for name in POLICY_ADMIN_FIELDS if name in cleaned}
        try:
            services.policy_settings_check(policy=self.instance, fields=fields)
        except DomainError as error:
            raise ValidationError(
                {name: messages_ for name, messages_ in error.fields.items() if name in self.fields} or error.message
            ) from error
        return cleaned


class PolicyVersionInline(admin.TabularInline):
    model = PolicyVersion
    fields = ["number", "status", "change_summary", "requires_acknowledgment", "effective_on", "published_at"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Policy)
class PolicyAdmin(admin.ModelAdmin):
    form = PolicyAdminForm
    list_display = ["title", "category", "current_version", "acknowledgment_version", "owner", "review_due_on"]
    list_filter = ["category", "audience_everyone", "audience_departments", "review_due_on"]
    search_fields = ["title", "slug", "summary"]
    readonly_fields = ["slug", "current_version", "acknowledgment_version", "review_reminded_on", "page_link"]
    filter_horizontal = ["audience_departments", "audience_roles"]
    inlines = [PolicyVersionInline]
    list_select_related = ["current_version", "acknowledgment_version", "owner"]

    @admin.display(description="Page")
    def page_link(self, obj) -> str:
        return format_html('<a href="{}">Open the policy page</a>', obj.get_absolute_url()) if obj.pk else "—"

    def get_fields(self, request, obj=None):
        return [*POLICY_ADMIN_FIELDS, *self.readonly_fields]

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # acceptances are evidence; a policy is withdrawn by retiring its version

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in POLICY_ADMIN_FIELDS if name in form.cleaned_data}
        if change:
            fields = {name: value for name, value in fields.items() if name in form.changed_data}
            saved = services.policy_update(actor=request.user, policy=Policy.objects.get(pk=obj.pk), changes=fields)
        else:
            saved = services.policy_create(actor=request.user, fields=fields)
        obj.pk, obj.slug = saved.pk, saved.slug
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # The audience was saved by the service (with the audit entry), so not form.save_m2m();
        # the versions inline is read-only and saving it changes nothing.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)


class PolicyVersionAdminForm(forms.ModelForm):
    class Meta:
        model = PolicyVersion
        fields = ["body", "change_summary", "requires_acknowledgment", "effective_on"]


@admin.register(PolicyVersion)
class PolicyVersionAdmin(admin.ModelAdmin):
    form = PolicyVersionAdminForm
    list_display = ["policy", "number", "status", "requires_acknowledgment", "effective_on", "published_at"]
    list_filter = ["status", "requires_acknowledgment", "policy__category"]
    search_fields = ["policy__title", "change_summary", "body"]
    list_select_related = ["policy"]
    readonly_fields = [
        "policy",
        "number",
        "status",
        "created_by",
        "created_at",
        "published_by",
        "published_at",
        "retired_at",
    ]
    actions = ["publish_versions"]

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.status != PolicyVersion.Status.DRAFT:
            return [field.name for field in PolicyVersion._meta.fields]
        return self.readonly_fields

    def has_add_permission(self, request) -> bool:
        return False  # a draft starts from the current text on the policy page

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None and obj.status != PolicyVersion.Status.DRAFT:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change):
        changes = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
        try:
            services.policy_version_update(actor=request.user, version=obj, changes=changes)
        except DomainError as error:
            messages.error(request, error.message)

    @admin.action(description="Publish the selected drafts")
    def publish_versions(self, request, queryset):
        if not permissions.can_publish_policies(request.user):
            self.message_user(request, "Only a CoE manager publishes policy versions.", messages.ERROR)
            return
        for version in queryset.order_by("policy_id", "number"):
            try:
                services.policy_version_publish(actor=request.user, version=version)
            except DomainError as error:
                self.message_user(request, f"{version}: {error.message}", messages.ERROR)
            else:
                self.message_user(request, f"{version} published.", messages.SUCCESS)


@admin.register(Acknowledgment)
class AcknowledgmentAdmin(ReadOnlyAdmin):
    list_display = ["user", "version", "acknowledged_at"]
    list_filter = ["version__policy", "acknowledged_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "version__policy__title"]
    date_hierarchy = "acknowledged_at"
    list_select_related = ["user", "version__policy"]


@admin.register(AcknowledgmentReminder)
class AcknowledgmentReminderAdmin(ReadOnlyAdmin):
    list_display = ["user", "version", "kind", "sent_at"]
    list_filter = ["kind", "version__policy", "sent_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "version__policy__title"]
    list_select_related = ["user", "version__policy"]

    def has_view_permission(self, request, obj=None) -> bool:
        # Who was chased is part of the compliance picture (coe.roles grants no model permission).
        return permissions.can_view_compliance(request.user) or super().has_view_permission(request, obj)
