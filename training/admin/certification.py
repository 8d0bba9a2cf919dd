"""Certification in the admin: tracks (settings through the same services as the pages; the
modules and their order are set on the track's page) and certificates (read-only records: issued
by completing a track, revoked with a reason on the certificate's page)."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from coe.errors import DomainError
from training.models import Certificate, CertificationTrack, TrackModule
from training.services import certification as services

TRACK_ADMIN_FIELDS = ["name", "description", "final_exam", "validity_days", "is_active"]


class TrackModuleInline(admin.TabularInline):
    model = TrackModule
    fields = ["position", "module"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    verbose_name_plural = "Modules (change them and their order on the track's page)"

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class TrackAdminForm(forms.ModelForm):
    class Meta:
        model = CertificationTrack
        fields = TRACK_ADMIN_FIELDS

    def clean(self):
        cleaned = super().clean()
        fields = {name: cleaned[name] for name in TRACK_ADMIN_FIELDS if name in cleaned}
        if self.instance.pk is None:
            fields.setdefault("modules", [])
        try:
            services.track_settings_check(track=self.instance, fields=fields)
        except DomainError as error:
            raise ValidationError(
                {name: messages for name, messages in error.fields.items() if name in self.fields} or error.message
            ) from error
        return cleaned


@admin.register(CertificationTrack)
class CertificationTrackAdmin(admin.ModelAdmin):
    form = TrackAdminForm
    list_display = ["name", "final_exam", "validity_days", "is_active", "updated_at"]
    list_filter = ["is_active"]
    search_fields = ["name", "slug", "description"]
    list_select_related = ["final_exam"]
    readonly_fields = ["slug", "page_link"]
    inlines = [TrackModuleInline]

    def get_fields(self, request, obj=None):
        return [*TRACK_ADMIN_FIELDS, *self.readonly_fields]

    @admin.display(description="Page")
    def page_link(self, obj) -> str:
        return format_html('<a href="{}">Open the track page</a>', obj.get_absolute_url()) if obj.pk else "—"

    def has_delete_permission(self, request, obj=None) -> bool:
        return False  # certificates refer to it: stop offering it instead

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in TRACK_ADMIN_FIELDS if name in form.cleaned_data}
        if change:
            changes = {name: value for name, value in fields.items() if name in form.changed_data}
            saved = services.track_update(
                actor=request.user, track=CertificationTrack.objects.get(pk=obj.pk), changes=changes
            )
        else:
            saved = services.track_create(actor=request.user, fields=fields)
        obj.pk, obj.slug = saved.pk, saved.slug
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        pass  # the modules inline is read-only; nothing else to save


@admin.register(Certificate)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["holder_name", "track", "status", "issued_at", "expires_at", "revoked_at"]
    list_filter = ["status", "track"]
    search_fields = ["holder_name", "user__username", "code"]
    list_select_related = ["track", "user"]
    date_hierarchy = "issued_at"
    readonly_fields = [
        "user",
        "track",
        "holder_name",
        "status",
        "issued_at",
        "expires_at",
        "reminded_30_at",
        "reminded_7_at",
        "expired_at",
        "revoked_at",
        "revoked_by",
        "revoke_reason",
        "page_link",
    ]
    fields = readonly_fields

    @admin.display(description="Page")
    def page_link(self, obj) -> str:
        return format_html(
            '<a href="{}">Open the certificate (print, revoke)</a> · <a href="{}">Public verification page</a>',
            reverse("training:certificate_detail", kwargs={"code": obj.code}),
            obj.get_absolute_url(),
        )

    def has_add_permission(self, request) -> bool:
        return False  # issued by completing a track

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
