"""Training content in the admin: search, filters and a read of everything. A module's settings
change here through the same service as the authoring pages (its rules are the form's
validation); publishing and archiving are actions that call the services. Lessons, question banks
and images are written on the authoring pages (/training/author/), where their rules (images that
exist, valid choices, questions replaced rather than changed once used) hold; here they are read."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.urls import reverse
from django.utils.html import format_html

from coe.admin.base import ReadOnlyAdmin
from coe.errors import DomainError
from training import permissions
from training.forms.content import MODULE_SETTINGS
from training.models import Choice, Lesson, LessonRead, Module, Question
from training.models.content import LessonImage
from training.services import content as services


class ModuleAdminForm(forms.ModelForm):
    """Runs the service's rules (a free slug, the quiz's numbers in range, no circle of
    prerequisites …) as form validation, so a refusal shows on the form instead of failing the save."""

    class Meta:
        model = Module
        fields = MODULE_SETTINGS

    def clean(self):
        cleaned = super().clean()
        fields = {name: cleaned[name] for name in MODULE_SETTINGS if name in cleaned}
        if "prerequisites" in fields:
            fields["prerequisites"] = list(fields["prerequisites"])
        try:
            services.module_fields_check(self.instance, fields)
        except DomainError as error:
            raise ValidationError(
                {name: messages_ for name, messages_ in error.fields.items() if name in self.fields} or error.message
            ) from error
        return cleaned


class LessonInline(admin.TabularInline):
    model = Lesson
    fields = ["position", "title", "estimated_minutes"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Module)
class ModuleAdmin(admin.ModelAdmin):
    form = ModuleAdminForm
    list_display = ["title", "status", "level", "position", "lessons_count", "active_questions", "published_at"]
    list_filter = ["status", "level", "feedback"]
    search_fields = ["title", "slug", "summary"]
    readonly_fields = ["status", "published_at", "created_by", "created_at", "updated_at", "authoring_link"]
    filter_horizontal = ["prerequisites"]
    inlines = [LessonInline]
    actions = ["publish_modules", "archive_modules"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                lessons_total=Count("lessons", distinct=True),
                active_total=Count("questions", filter=Q(questions__is_active=True), distinct=True),
            )
        )

    @admin.display(description="Lessons", ordering="lessons_total")
    def lessons_count(self, obj) -> int:
        return obj.lessons_total

    @admin.display(description="Active questions", ordering="active_total")
    def active_questions(self, obj) -> int:
        return obj.active_total

    @admin.display(description="Authoring")
    def authoring_link(self, obj) -> str:
        if not obj.pk:
            return "—"
        return format_html(
            '<a href="{}">Lessons, questions and images on the authoring page</a>',
            reverse("training:author_module", kwargs={"slug": obj.slug}),
        )

    def save_model(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in MODULE_SETTINGS if name in form.cleaned_data}
        fields["prerequisites"] = list(fields.get("prerequisites") or [])
        if not fields.get("slug"):
            fields.pop("slug", None)
        if change:
            saved = services.module_update(actor=request.user, module=Module.objects.get(pk=obj.pk), changes=fields)
        else:
            saved = services.module_create(actor=request.user, fields=fields)
        obj.pk = saved.pk
        obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        # Prerequisites were set by the service; the inlines are read-only.
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    def has_delete_permission(self, request, obj=None) -> bool:
        # Deleting goes through the service (only never-published drafts); archive the others.
        return False

    def _each(self, request, queryset, service, done: str) -> None:
        count = 0
        for module in queryset:
            try:
                service(actor=request.user, module=module)
                count += 1
            except DomainError as error:
                self.message_user(request, f"{module}: {error.message}", level=messages.ERROR)
        if count:
            self.message_user(request, done.format(count=count), level=messages.SUCCESS)

    @admin.action(description="Publish the selected modules")
    def publish_modules(self, request, queryset):
        self._each(request, queryset, services.module_publish, "{count} module(s) published.")

    @admin.action(description="Archive the selected modules")
    def archive_modules(self, request, queryset):
        self._each(request, queryset, services.module_archive, "{count} module(s) archived.")


class AuthorsReadOnlyAdmin(ReadOnlyAdmin):
    """Authors read these here (they hold no separate view permission); writes are the authoring
    pages'."""

    def has_view_permission(self, request, obj=None) -> bool:
        return permissions.can_author(request.user) or super().has_view_permission(request, obj)


@admin.register(Lesson)
class LessonAdmin(AuthorsReadOnlyAdmin):
    list_display = ["title", "module", "position", "estimated_minutes"]
    list_filter = ["module__level", "module"]
    search_fields = ["title", "body", "module__title"]
    list_select_related = ["module"]


class ChoiceInline(admin.TabularInline):
    model = Choice
    fields = ["position", "text", "is_correct"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Question)
class QuestionAdmin(AuthorsReadOnlyAdmin):
    list_display = ["short_text", "module", "kind", "is_active", "position"]
    list_filter = ["kind", "is_active", "module"]
    search_fields = ["text", "explanation", "module__title"]
    list_select_related = ["module"]
    inlines = [ChoiceInline]

    @admin.display(description="Question")
    def short_text(self, obj) -> str:
        return str(obj)


@admin.register(LessonRead)
class LessonReadAdmin(AuthorsReadOnlyAdmin):
    list_display = ["user", "lesson", "read_at"]
    list_filter = ["lesson__module", "read_at"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "lesson__title"]
    list_select_related = ["user", "lesson__module"]
    date_hierarchy = "read_at"


@admin.register(LessonImage)
class LessonImageAdmin(AuthorsReadOnlyAdmin):
    list_display = ["name", "module", "content_type", "width", "height", "size", "uploaded_by", "uploaded_at"]
    list_filter = ["content_type", "module"]
    search_fields = ["name", "alt_text", "module__title"]
    list_select_related = ["module", "uploaded_by"]
