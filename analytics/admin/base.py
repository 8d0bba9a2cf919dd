"""The one admin base of analytics: every record is written through its pages, imports, API or the
rollup SQL (validated, audited, marking days for rollups), so the admin only reads."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
