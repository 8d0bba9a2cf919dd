"""The steering committee in the admin, read only: it is written on the steering pages and the API
(checked and audited by coe.services.steering)."""

from django.contrib import admin

from coe.models import ActionItem, SteeringAttendance, SteeringDecision, SteeringMeeting, SteeringMember, SteeringSeries


class _ReadOnly(admin.ModelAdmin):
    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class _ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class DecisionInline(_ReadOnlyInline):
    model = SteeringDecision
    fields = ["text"]


class AttendanceInline(_ReadOnlyInline):
    model = SteeringAttendance
    fields = ["user", "status"]


@admin.register(SteeringMember)
class SteeringMemberAdmin(_ReadOnly):
    list_display = ["user", "department", "title", "is_chair", "joined_on", "left_on"]
    list_filter = ["department", "is_chair"]
    list_select_related = ["user", "department"]


@admin.register(SteeringSeries)
class SteeringSeriesAdmin(_ReadOnly):
    list_display = ["name", "cadence", "first_meeting_at", "duration_minutes", "is_active"]


@admin.register(SteeringMeeting)
class SteeringMeetingAdmin(_ReadOnly):
    list_display = ["scheduled_at", "status", "series"]
    list_filter = ["status"]
    inlines = [DecisionInline, AttendanceInline]


@admin.register(ActionItem)
class ActionItemAdmin(_ReadOnly):
    list_display = ["title", "owner", "department", "due_on", "status"]
    list_filter = ["status", "department"]
    list_select_related = ["owner", "department"]
    search_fields = ["title"]
