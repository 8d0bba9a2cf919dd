"""Serializers for people and departments. They parse and present; services decide."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from rest_framework import serializers

from coe import permissions
from coe.models import Department, validate_time_zone
from coe.roles import Role


class StrictFieldsMixin:
    """Refuse input keys that are unknown or read-only instead of silently ignoring them, so a
    client that tries to set ``status`` or ``is_staff`` learns it did not happen."""

    def to_internal_value(self, data):
        if hasattr(data, "keys"):
            writable = {name for name, field in self.fields.items() if not field.read_only}
            unknown = sorted(set(data.keys()) - writable)
            if unknown:
                raise serializers.ValidationError(
                    {name: ["This field is read-only or unknown and cannot be set."] for name in unknown}
                )
        return super().to_internal_value(data)


class DepartmentSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    lead = serializers.PrimaryKeyRelatedField(queryset=get_user_model().objects.none(), allow_null=True, required=False)
    lead_name = serializers.CharField(source="lead.display_name", read_only=True, default=None)
    member_count = serializers.IntegerField(read_only=True, default=0)
    slug = serializers.SlugField(required=False)

    class Meta:
        model = Department
        fields = ["id", "name", "slug", "description", "lead", "lead_name", "member_count", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        # Uniqueness is checked by the service (model full_clean), with the same message everywhere.
        validators: list = []
        extra_kwargs = {"name": {"validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["lead"].queryset = permissions.people_visible_to(request.user).filter(is_active=True)


class PersonSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    full_name = serializers.CharField(source="display_name", read_only=True)
    role = serializers.ChoiceField(choices=Role.choices, required=False, allow_null=True)
    departments = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Department.objects.all(), required=False
    )
    time_zone = serializers.CharField(required=False, validators=[validate_time_zone])

    class Meta:
        model = get_user_model()
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "full_name",
            "email",
            "role",
            "departments",
            "time_zone",
            "notify_in_app",
            "notify_by_email",
            "is_active",
            "date_joined",
        ]
        read_only_fields = ["id", "username", "date_joined"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["departments"].child_relation.queryset = permissions.departments_visible_to(request.user)


class TokenRequestSerializer(serializers.Serializer):
    username = serializers.CharField()
    password = serializers.CharField(style={"input_type": "password"}, trim_whitespace=False, write_only=True)


class TokenSerializer(serializers.Serializer):
    token = serializers.CharField(read_only=True)
