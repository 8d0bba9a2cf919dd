"""The audit trail in the admin: read, search and filter; never add, change or delete."""

from django.contrib import admin

from governance.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = ["created_at", "actor_label", "action", "object_label", "summary"]
    list_filter = ["app", "action", "created_at"]
    search_fields = ["summary", "actor_label", "object_label", "action"]
    date_hierarchy = "created_at"
    readonly_fields = [field.name for field in AuditEntry._meta.fields]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
