"""Content rules over the API: CRUD for the CoE, read for approvers, switch off and on as
actions, and ``POST /api/v1/content-rules/check/``, which returns the findings for a text."""

from __future__ import annotations

import django_filters
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from drf_spectacular.utils import OpenApiExample, extend_schema, extend_schema_serializer
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coe.api.serializers import StrictFieldsMixin
from coe.models import Department
from coe.roles import ROLE_GROUP_NAMES
from governance import permissions
from governance.forms.rules import channel_model
from governance.models import ContentRule, Policy
from governance.selectors import rules as selectors
from governance.services import rules as services


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A banned phrase",
            value={
                "name": "No promises of returns",
                "kind": "banned_term",
                "severity": "block",
                "config": {"terms": ["guaranteed returns", "risk-free"]},
                "explanation": "We never promise financial results. Describe what the product does instead.",
                "policy": "social-media-policy",
                "clause": "§3 Claims",
                "clause_anchor": "claims",
            },
            request_only=True,
        ),
        OpenApiExample(
            "A warning that adds Legal",
            value={
                "name": "Health claims",
                "kind": "regex",
                "severity": "warn",
                "config": {"pattern": r"\b(cures?|clinically proven)\b", "ignore_case": True},
                "explanation": "Health claims need Legal's review before they go out.",
                "review_stage_name": "Legal",
                "review_people": [5],
            },
            request_only=True,
        ),
    ]
)
class ContentRuleSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A content rule. ``config`` depends on ``kind`` (see the ContentRule docs):
    banned_term ``{"terms": [...]}``; required_disclosure ``{"when": "sponsored_campaign" | "always"
    | "mentions", "disclosures": [...], "terms": [...]}``; link_domains ``{"mode": "allow" | "deny",
    "domains": [...]}``; personal_data ``{"detect": ["email", "phone", "card"], "allow": [...]}``;
    hashtag_limit / mention_limit ``{"max": 5}``; regex ``{"pattern": "...", "ignore_case": true}``.
    Switch a rule off and on with the ``deactivate`` and ``activate`` actions."""

    config = serializers.JSONField()
    policy = serializers.SlugRelatedField(
        slug_field="slug", queryset=Policy.objects.all(), allow_null=True, required=False
    )
    clause_url = serializers.SerializerMethodField()
    channels = serializers.PrimaryKeyRelatedField(many=True, queryset=Department.objects.none(), required=False)
    departments = serializers.SlugRelatedField(
        many=True, slug_field="slug", queryset=Department.objects.all(), required=False
    )
    review_group = serializers.SlugRelatedField(
        slug_field="name",
        queryset=Group.objects.filter(name__in=ROLE_GROUP_NAMES),
        allow_null=True,
        required=False,
        help_text="A role whose members review what a warning sends them, e.g. “Approver”.",
    )
    review_people = serializers.PrimaryKeyRelatedField(
        many=True, queryset=get_user_model().objects.filter(is_active=True), required=False
    )
    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ContentRule
        fields = [
            "id",
            "name",
            "kind",
            "severity",
            "config",
            "explanation",
            "policy",
            "clause",
            "clause_anchor",
            "clause_url",
            "applies_everywhere",
            "channels",
            "departments",
            "review_stage_name",
            "review_group",
            "review_people",
            "is_active",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "clause_url", "is_active", "created_by", "created_at", "updated_at"]
        validators: list = []  # the service checks names, settings and scope, with the page's messages

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].child_relation.queryset = channel_model().objects.all()

    def get_clause_url(self, rule: ContentRule) -> str:
        return selectors.clause_url(rule)


class ContentRuleFilter(django_filters.FilterSet):
    policy = django_filters.CharFilter(field_name="policy__slug")

    class Meta:
        model = ContentRule
        fields = ["kind", "severity", "is_active", "policy", "applies_everywhere"]


# --- check --------------------------------------------------------------------------------------


@extend_schema_serializer(
    examples=[
        OpenApiExample(
            "A sponsored post",
            value={
                "text": "Win a winter kit! Risk-free, guaranteed returns. Mail jane@example.com",
                "link": "https://bit.ly/winter",
                "channels": [2],
                "department": "marketing",
                "sponsored": True,
            },
            request_only=True,
        )
    ]
)
class CheckInputSerializer(StrictFieldsMixin, serializers.Serializer):
    text = serializers.CharField(allow_blank=True, trim_whitespace=False, max_length=20000)
    link = serializers.CharField(allow_blank=True, required=False, default="", max_length=500)
    channels = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Department.objects.none(), required=False, help_text="Channel ids the text goes to."
    )
    department = serializers.SlugRelatedField(
        slug_field="slug", queryset=Department.objects.all(), allow_null=True, required=False, default=None
    )
    sponsored = serializers.BooleanField(required=False, default=False, help_text="Part of a sponsored campaign.")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["channels"].child_relation.queryset = channel_model().objects.all()


class SpanSerializer(serializers.Serializer):
    start = serializers.IntegerField(help_text="Index of the first character, in the original text.")
    end = serializers.IntegerField(help_text="Index just after the last character.")
    field = serializers.CharField(help_text="“text”, or “link”: the post's separate link.")


class FindingSerializer(serializers.Serializer):
    rule_id = serializers.IntegerField()
    rule_name = serializers.CharField()
    # Plain strings here: the rule's own schema names the choices (one enum per field name).
    kind = serializers.CharField(help_text="The rule's kind (see ContentRule).")
    severity = serializers.CharField(help_text="“block” (the post is refused) or “warn” (adds a review stage).")
    message = serializers.CharField(help_text="What was found.")
    explanation = serializers.CharField(help_text="The rule's own words: why, and what to write instead.")
    spans = SpanSerializer(many=True)
    matched = serializers.ListField(child=serializers.CharField(), help_text="The original text of each span.")
    clause = serializers.CharField()
    clause_url = serializers.CharField()
    review_stage = serializers.CharField(help_text="For a warning: the review stage it adds.")


class ReviewStageSerializer(serializers.Serializer):
    name = serializers.CharField()
    rules = serializers.ListField(child=serializers.CharField())


class CheckResultSerializer(serializers.Serializer):
    blocked = serializers.BooleanField(help_text="A blocking rule fired: the post would be refused.")
    findings = FindingSerializer(many=True)
    review_stages = ReviewStageSerializer(many=True, help_text="Stages the warnings would add to the route.")


# --- the viewset --------------------------------------------------------------------------------


class ContentRuleViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Content rules: the CoE writes them, approvers read them. ``POST check/`` returns the findings
    of the active rules for any text (for whoever writes posts or tries rules)."""

    serializer_class = ContentRuleSerializer
    queryset = ContentRule.objects.none()  # each request's is scoped in get_queryset
    filterset_class = ContentRuleFilter
    search_fields = ["name", "explanation", "clause"]
    ordering_fields = ["name", "kind", "updated_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # building the OpenAPI schema
            return ContentRule.objects.none()
        if not permissions.can_view_rules(self.request.user):
            raise PermissionDenied("Content rules are for the CoE team and reviewers.")
        return selectors.rules_list(user=self.request.user).select_related("created_by")

    def perform_create(self, serializer):
        rule = services.rule_create(actor=self.request.user, fields=serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=rule.pk)

    def perform_update(self, serializer):
        rule = services.rule_update(
            actor=self.request.user, rule=serializer.instance, changes=serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=rule.pk)

    def perform_destroy(self, instance):
        services.rule_delete(actor=self.request.user, rule=instance)

    @extend_schema(request=None, responses={200: ContentRuleSerializer})
    @action(detail=True, methods=["post"])
    def deactivate(self, request, pk=None):
        """Stop checking the rule; it stays, and can be switched on again."""
        rule = services.rule_deactivate(actor=request.user, rule=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=rule.pk)).data)

    @extend_schema(request=None, responses={200: ContentRuleSerializer})
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        """Check the rule again (its settings are checked as on a save)."""
        rule = services.rule_activate(actor=request.user, rule=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=rule.pk)).data)

    @extend_schema(request=CheckInputSerializer, responses={200: CheckResultSerializer})
    @action(detail=False, methods=["post"])
    def check(self, request):
        """The findings of the active rules for a text (and its separate link) on the given
        channels or department: what would block it, what review stages it would add, and where
        exactly in the text each finding is."""
        if not permissions.can_check_content(request.user):
            raise PermissionDenied("Checking texts is for people who write posts and for the CoE.")
        data = CheckInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        channels = values.get("channels", [])
        department = values.get("department")
        result = services.content_check(
            text=values["text"],
            link=values.get("link", ""),
            channel_ids=[channel.pk for channel in channels],
            department_id=department.pk if department else (channels[0].department_id if channels else None),
            sponsored=values.get("sponsored", False),
        )
        body = {
            "blocked": result.blocked,
            "findings": result.as_json(),
            "review_stages": [{"name": stage.name, "rules": list(stage.rules)} for stage in result.review_stages],
        }
        return Response(CheckResultSerializer(body).data, status=status.HTTP_200_OK)
