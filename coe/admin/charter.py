"""Admin for the charter, its objectives and the best-practice library: read-mostly; changes go
through the pages (services), so the admin shows history and lets staff fix a typo'd tag."""

from django.contrib import admin

from coe.models import CharterVersion, Objective, Practice, PracticeAdoption, PracticeAttachment, PracticeTag


@admin.register(CharterVersion)
class CharterVersionAdmin(admin.ModelAdmin):
    list_display = ["number", "status", "approved_by", "approved_at", "change_note"]
    list_filter = ["status"]
    readonly_fields = ["number", "status", "created_by", "approved_by", "approved_at", "created_at", "updated_at"]

    def has_change_permission(self, request, obj=None):
        # Approved and superseded versions are history; drafts are edited on the charter page.
        return False


@admin.register(Objective)
class ObjectiveAdmin(admin.ModelAdmin):
    list_display = ["title", "owner", "department", "period_start", "period_end", "is_active"]
    list_filter = ["is_active", "department"]
    search_fields = ["title", "description"]
    raw_id_fields = ["owner"]


class PracticeAttachmentInline(admin.TabularInline):
    model = PracticeAttachment
    extra = 0
    readonly_fields = ["name", "file", "uploaded_by", "uploaded_at"]


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "department", "status", "is_featured", "created_at"]
    list_filter = ["status", "kind", "is_featured", "department", "tags"]
    search_fields = ["title", "summary", "what_was_done", "results"]
    raw_id_fields = ["submitted_by", "curated_by"]
    inlines = [PracticeAttachmentInline]


@admin.register(PracticeTag)
class PracticeTagAdmin(admin.ModelAdmin):
    list_display = ["name", "slug"]
    search_fields = ["name"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(PracticeAdoption)
class PracticeAdoptionAdmin(admin.ModelAdmin):
    list_display = ["practice", "department", "adopted_by", "adopted_at"]
    list_filter = ["department"]
