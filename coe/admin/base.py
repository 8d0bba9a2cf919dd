"""The admin's read-only base, shared by every app: records whose writes go through their pages,
imports, API or SQL (validated and audited there) are only read in the admin."""

from django.contrib import admin


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
