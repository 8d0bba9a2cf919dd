"""Assignments in the admin: searched and filtered, made and changed through the same services as
the pages (so people are told and it is audited), cancelled with an action — never deleted, their
reminders are kept. Reminders sent are read-only."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError

from coe.errors import DomainError
from training.models import Assignment, AssignmentReminder
from training.services import assignments as services


class AssignmentReminderInline(admin.TabularInline):
    model = AssignmentReminder
    extra = 0
    fields = ["user", "kind", "sent_at"]
    readonly_fields = fields
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class AssignmentAdminForm(forms.ModelForm):
    """Runs the service's rules as form validation, so a refusal shows on the form."""

    class Meta:
        model = Assignment
        fields = ["module", "track", "department", "role", "user", "due_on", "days_for_newcomers", "note"]

    def clean(self):
        cleaned = super().clean()
        try:
            if self.instance.pk is None:
                services.assignment_check(
                    module=cleaned.get("module"),
                    track=cleaned.get("track"),
                    department=cleaned.get("department"),
                    role=cleaned.get("role"),
                    user=cleaned.get("user"),
                    due_on=cleaned.get("due_on"),
                    days_for_newcomers=cleaned.get("days_for_newcomers", 30),
                )
            elif "due_on" in self.changed_data:
                services.check_due_on(cleaned.get("due_on"))
        except DomainError as error:
            raise ValidationError(
                {name: texts for name, texts in error.fields.items() if name in self.fields} or error.message
            ) from error
        return cleaned

    def validate_constraints(self, exclude=None):
        pass  # the service's words (above) say the same as the constraints, for people


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    form = AssignmentAdminForm
    list_display = ["__str__", "module", "track", "department", "role", "user", "due_on", "is_active", "created_at"]
    list_filter = ["is_active", "department", "role", "module", "track"]
    search_fields = ["module__title", "track__name", "department__name", "user__username", "user__last_name", "note"]
    date_hierarchy = "due_on"
    list_select_related = ["module", "track", "department", "role", "user"]
    autocomplete_fields = ["user"]
    readonly_fields = ["is_active", "created_by", "created_at"]
    inlines = [AssignmentReminderInline]
    actions = ["cancel_selected"]

    def get_readonly_fields(self, request, obj=None):
        # What is assigned and to whom is fixed once made (cancel and assign again).
        fixed = ["module", "track", "department", "role", "user"] if obj is not None else []
        return [*self.readonly_fields, *fixed]

    def save_model(self, request, obj, form, change):
        try:
            if change:
                changes = {
                    name: form.cleaned_data[name] for name in form.changed_data if name in services.CHANGEABLE_FIELDS
                }
                services.assignment_update(
                    actor=request.user, assignment=Assignment.objects.get(pk=obj.pk), changes=changes
                )
            else:
                created = services.assignment_create(
                    actor=request.user,
                    module=obj.module,
                    track=obj.track,
                    department=obj.department,
                    role=obj.role,
                    user=obj.user,
                    due_on=obj.due_on,
                    days_for_newcomers=obj.days_for_newcomers,
                    note=obj.note,
                )
                obj.pk = created.pk
        except DomainError as error:
            messages.error(request, error.message)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(description="Cancel the selected assignments (people who had not completed them are told)")
    def cancel_selected(self, request, queryset):
        cancelled = 0
        for assignment in queryset.filter(is_active=True):
            try:
                services.assignment_cancel(actor=request.user, assignment=assignment)
            except DomainError as error:
                self.message_user(request, f"{assignment}: {error.message}", messages.ERROR)
            else:
                cancelled += 1
        self.message_user(request, f"{cancelled} assignment{'s' if cancelled != 1 else ''} cancelled.")


@admin.register(AssignmentReminder)
class AssignmentReminderAdmin(admin.ModelAdmin):
    list_display = ["assignment", "user", "kind", "sent_at"]
    list_filter = ["kind"]
    search_fields = ["user__username", "user__last_name", "assignment__module__title", "assignment__track__name"]
    date_hierarchy = "sent_at"
    list_select_related = ["assignment__module", "assignment__track", "user"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
