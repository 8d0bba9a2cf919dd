"""Admin for the CoE's records. Role changes go through the same service as the app."""

from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.forms import UserChangeForm
from guardian.admin import GuardedModelAdmin

from coe import services
from coe.errors import DomainError
from coe.models import Department, User, WorkerHeartbeat
from coe.roles import Role


class PersonAdminForm(UserChangeForm):
    role = forms.ChoiceField(choices=[("", "—")] + list(Role.choices), required=False)

    class Meta(UserChangeForm.Meta):
        model = User

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk and self.instance.role:
            self.initial["role"] = self.instance.role.value


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    form = PersonAdminForm
    list_display = ["username", "first_name", "last_name", "email", "role_label", "is_active", "is_staff"]
    list_filter = ["groups", "departments", "is_active", "is_staff", "is_superuser"]
    search_fields = ["username", "first_name", "last_name", "email"]
    filter_horizontal = ["departments", "user_permissions"]
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        ("Person", {"fields": ("first_name", "last_name", "email", "time_zone")}),
        ("Role and departments", {"fields": ("role", "departments")}),
        ("Notifications", {"fields": ("notify_in_app", "notify_by_email")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "user_permissions")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description="role")
    def role_label(self, obj: User) -> str:
        return obj.role.label if obj.role else "—"

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        role = form.cleaned_data.get("role")
        if role and role != (form.instance.role.value if form.instance.role else None):
            try:
                services.person_set_role(actor=request.user, person=form.instance, role=role)
            except DomainError as error:
                messages.error(request, error.message)


@admin.register(Department)
class DepartmentAdmin(GuardedModelAdmin):
    list_display = ["name", "slug", "lead", "updated_at"]
    search_fields = ["name", "slug", "description", "lead__username", "lead__last_name"]
    list_filter = ["created_at"]
    list_select_related = ["lead"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["lead"]

    def save_model(self, request, obj, form, change):
        # The lead's object permission is kept by the service, as everywhere else.
        changes = {name: form.cleaned_data[name] for name in form.changed_data}
        try:
            if change:
                services.department_update(
                    actor=request.user, department=Department.objects.get(pk=obj.pk), changes=changes
                )
            else:
                created = services.department_create(actor=request.user, **form.cleaned_data)
                obj.pk = created.pk
        except DomainError as error:
            messages.error(request, error.message)


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["hostname", "seen_at"]
    search_fields = ["hostname"]
    list_filter = ["seen_at"]
    readonly_fields = ["hostname", "seen_at"]


from coe.admin import charter as _charter_admin  # noqa: E402, F401
from coe.admin import maturity as _maturity_admin  # noqa: E402, F401
from coe.admin import steering as _steering_admin  # noqa: E402, F401
from coe.admin import techstack as _techstack_admin  # noqa: E402, F401
