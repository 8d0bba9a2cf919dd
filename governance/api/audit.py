"""The audit trail over the API: read-only for those who may see it (GET only, no writes)."""

from __future__ import annotations

import django_filters
from rest_framework import mixins, serializers, viewsets
from rest_framework.exceptions import PermissionDenied

from governance import permissions
from governance.models import AuditEntry


class AuditEntrySerializer(serializers.ModelSerializer):
    class Meta:
        model = AuditEntry
        fields = [
            "id",
            "created_at",
            "actor",
            "actor_label",
            "action",
            "app",
            "object_type",
            "object_id",
            "object_label",
            "summary",
            "data",
            "ip_address",
        ]
        read_only_fields = fields


class AuditEntryFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="created_at", lookup_expr="lt")

    class Meta:
        model = AuditEntry
        fields = ["app", "action", "actor", "object_type", "object_id", "since", "until"]


class AuditEntryViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Who did what and when, newest first. Entries can never be changed or removed."""

    serializer_class = AuditEntrySerializer
    queryset = AuditEntry.objects.none()  # each request's is scoped in get_queryset
    filterset_class = AuditEntryFilter
    search_fields = ["summary", "actor_label", "object_label"]
    ordering_fields = ["created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # building the OpenAPI schema
            return AuditEntry.objects.none()
        if not permissions.can_view_audit(self.request.user):
            raise PermissionDenied("The audit trail is for the CoE.")
        return permissions.audit_visible_to(self.request.user).order_by("-created_at", "-id")
