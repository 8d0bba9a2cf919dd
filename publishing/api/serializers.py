"""Serializers of the publishing API. Reads present; writes parse input for the services."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiExample, extend_schema_serializer
from rest_framework import serializers

from coe.api.serializers import StrictFieldsMixin
from coe.models import Department
from publishing import permissions
from publishing.models import (
    ApprovalPolicy,
    ApprovalStage,
    Campaign,
    Channel,
    Comment,
    ContentTheme,
    Post,
    PostStage,
    PostTransition,
    Publication,
    Review,
)
from training.models import CertificationTrack


class ChannelSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A channel without its secrets: credentials are write-only and shown back only as a hint."""

    credentials = serializers.DictField(child=serializers.CharField(), write_only=True, required=False)
    department = serializers.SlugRelatedField(slug_field="slug", queryset=Department.objects.all())
    required_track = serializers.SlugRelatedField(
        slug_field="slug",
        queryset=CertificationTrack.objects.all(),
        allow_null=True,
        required=False,
        help_text="The certification track (slug) whose valid certificate people need to submit here; null: none.",
    )

    class Meta:
        model = Channel
        fields = [
            "id",
            "name",
            "network",
            "handle",
            "department",
            "time_zone",
            "is_active",
            "required_track",
            "requires_policy_acknowledgment",
            "settings",
            "credentials",
            "credentials_hint",
            "health",
            "health_message",
            "created_at",
        ]
        read_only_fields = ["id", "credentials_hint", "health", "health_message", "created_at"]
        validators: list = []


class CampaignSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A campaign. ``post_count`` counts the posts the caller may see; the slug is made from the
    name when the campaign is created and then stays."""

    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False
    )
    post_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = Campaign
        fields = [
            "id",
            "name",
            "slug",
            "department",
            "is_sponsored",
            "starts_on",
            "ends_on",
            "description",
            "is_active",
            "post_count",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "slug", "post_count", "created_at", "updated_at"]
        # Names are unique whatever their case: the service checks, with the same message as the page.
        validators: list = []
        extra_kwargs = {"name": {"validators": []}}


class ContentThemeSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A content theme. ``post_count`` counts the posts the caller may see."""

    post_count = serializers.IntegerField(read_only=True, default=0)

    class Meta:
        model = ContentTheme
        fields = ["id", "name", "slug", "post_count"]
        read_only_fields = ["id", "slug", "post_count"]
        validators: list = []
        extra_kwargs = {"name": {"validators": []}}


class PublicationSerializer(serializers.ModelSerializer):
    channel_name = serializers.CharField(source="channel.name", read_only=True)

    class Meta:
        model = Publication
        fields = [
            "id",
            "post",
            "channel",
            "channel_name",
            "status",
            "hold_reason",
            "scheduled_at",
            "published_at",
            "attempts",
            "external_id",
            "external_url",
            "last_error",
        ]
        read_only_fields = fields


class PostStageSerializer(serializers.ModelSerializer):
    group = serializers.CharField(source="group.name", read_only=True, default=None)
    people = serializers.StringRelatedField(many=True, read_only=True)

    class Meta:
        model = PostStage
        fields = [
            "id",
            "review_round",
            "position",
            "name",
            "kind",
            "status",
            "group",
            "people",
            "required_approvals",
            "due_at",
            "source",
        ]
        read_only_fields = fields


class ReviewSerializer(serializers.ModelSerializer):
    who = serializers.CharField(read_only=True)
    stage_name = serializers.CharField(source="stage.name", read_only=True, default=None)

    class Meta:
        model = Review
        fields = [
            "id",
            "post",
            "stage",
            "stage_name",
            "who",
            "on_behalf_of",
            "decision",
            "comment",
            "post_version",
            "created_at",
        ]
        read_only_fields = fields


class TransitionSerializer(serializers.ModelSerializer):
    who = serializers.CharField(read_only=True)

    class Meta:
        model = PostTransition
        fields = ["id", "action", "who", "from_status", "to_status", "comment", "data", "created_at"]
        read_only_fields = fields


class CommentSerializer(serializers.ModelSerializer):
    who = serializers.CharField(read_only=True)

    class Meta:
        model = Comment
        fields = ["id", "who", "body", "post_version", "created_at"]
        read_only_fields = ["id", "who", "post_version", "created_at"]


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A draft for two channels",
            value={
                "text": "Our winter line is here.",
                "link": "https://example.com/winter",
                "channels": [3, 4],
                "scheduled_at": "2026-12-03T09:00:00+01:00",
                "campaign": 1,
            },
            request_only=True,
        )
    ]
)
class PostSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    channels = serializers.PrimaryKeyRelatedField(many=True, queryset=Channel.objects.none())
    author = serializers.StringRelatedField(read_only=True)
    department = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    publications = PublicationSerializer(many=True, read_only=True)
    campaign = serializers.PrimaryKeyRelatedField(queryset=Campaign.objects.all(), allow_null=True, required=False)
    theme = serializers.PrimaryKeyRelatedField(queryset=ContentTheme.objects.all(), allow_null=True, required=False)
    text = serializers.CharField(allow_blank=True, required=False, trim_whitespace=False)

    class Meta:
        model = Post
        fields = [
            "id",
            "text",
            "link",
            "channels",
            "campaign",
            "theme",
            "scheduled_at",
            "status",
            "version",
            "author",
            "department",
            "publications",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "id",
            "status",
            "version",
            "author",
            "department",
            "submitted_at",
            "approved_at",
            "created_at",
            "updated_at",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            allowed = permissions.channels_for_submission(request.user)
            if self.instance is not None and not isinstance(self.instance, list | tuple):
                instance_channels = getattr(self.instance, "channels", None)
                if instance_channels is not None and hasattr(instance_channels, "all"):
                    allowed = allowed | Channel.objects.filter(pk__in=instance_channels.all())
            self.fields["channels"].child_relation.queryset = allowed.distinct()


class CommentInputSerializer(serializers.Serializer):
    body = serializers.CharField()


class DecisionInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")
    stage = serializers.IntegerField(required=False, help_text="Which stage, when you may decide on several.")


class RescheduleInputSerializer(serializers.Serializer):
    scheduled_at = serializers.DateTimeField(allow_null=True)


class WithdrawInputSerializer(serializers.Serializer):
    comment = serializers.CharField(required=False, allow_blank=True, default="")


class OutcomeSerializer(serializers.Serializer):
    post = PostSerializer(read_only=True)
    warnings = serializers.ListField(child=serializers.CharField(), read_only=True)


class StageInputSerializer(serializers.ModelSerializer):
    class Meta:
        model = ApprovalStage
        fields = [
            "position",
            "name",
            "kind",
            "group",
            "people",
            "department_lead",
            "required_approvals",
            "turnaround_hours",
            "external_reviewers",
        ]


class ApprovalPolicySerializer(StrictFieldsMixin, serializers.ModelSerializer):
    stages = StageInputSerializer(many=True)

    class Meta:
        model = ApprovalPolicy
        fields = ["id", "name", "channel", "department", "is_active", "late_approval", "description", "stages"]
        read_only_fields = ["id"]
