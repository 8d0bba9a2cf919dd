"""Quiz records in the admin: attempts (read-only: they are assessment records, scored by the
service) and accommodations (granted and withdrawn through the same services as the pages)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from coe.errors import DomainError
from training.models import Accommodation, Attempt, AttemptQuestion
from training.services import quizzes as services


class AttemptQuestionInline(admin.TabularInline):
    model = AttemptQuestion
    fields = ["position", "question", "selected", "answered_at", "points", "is_correct"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Attempt)
class AttemptAdmin(admin.ModelAdmin):
    list_display = ["user", "module", "number", "status", "score_percent", "passed", "started_at", "submitted_at"]
    list_filter = ["status", "passed", "module"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "module__title"]
    list_select_related = ["user", "module"]
    date_hierarchy = "started_at"
    inlines = [AttemptQuestionInline]
    readonly_fields = [
        "user",
        "module",
        "number",
        "status",
        "started_at",
        "deadline_at",
        "submitted_at",
        "score_percent",
        "passed",
        "page_link",
    ]
    fields = readonly_fields

    @admin.display(description="Page")
    def page_link(self, obj) -> str:
        return format_html('<a href="{}">Open the attempt</a>', reverse("training:attempt_detail", args=[obj.pk]))

    def has_add_permission(self, request) -> bool:
        return False  # attempts are started by the person taking the quiz

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # the record of an assessment


class AccommodationAdminForm(forms.ModelForm):
    class Meta:
        model = Accommodation
        fields = ["user", "module", "extra_minutes", "extra_attempts", "reason"]

    def clean(self):
        cleaned = super().clean()
        try:
            services.accommodation_check(
                user=cleaned.get("user"),
                module=cleaned.get("module"),
                extra_minutes=cleaned.get("extra_minutes", 0),
                extra_attempts=cleaned.get("extra_attempts", 0),
                reason=cleaned.get("reason", ""),
            )
        except DomainError as error:
            raise ValidationError(
                {name: messages for name, messages in error.fields.items() if name in self.fields} or error.message
            ) from error
        return cleaned


@admin.register(Accommodation)
class AccommodationAdmin(admin.ModelAdmin):
    form = AccommodationAdminForm
    list_display = ["user", "module", "extra_minutes", "extra_attempts", "reason", "granted_by", "granted_at"]
    list_filter = ["module"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "reason"]
    list_select_related = ["user", "module", "granted_by"]
    autocomplete_fields = ["user"]

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)  # withdraw and grant again

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        granted = services.accommodation_grant(
            actor=request.user,
            user=data["user"],
            module=data.get("module"),
            extra_minutes=data.get("extra_minutes") or 0,
            extra_attempts=data.get("extra_attempts") or 0,
            reason=data["reason"],
        )
        obj.pk = granted.pk
        obj.refresh_from_db()

    def delete_model(self, request, obj):
        services.accommodation_withdraw(actor=request.user, accommodation=obj)

    def delete_queryset(self, request, queryset):
        for accommodation in queryset:
            services.accommodation_withdraw(actor=request.user, accommodation=accommodation)
