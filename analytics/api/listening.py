"""Social listening over the API (CoE staff; everyone else is refused).

``/api/v1/listening-topics/``: topics (terms one per line); DELETE stops listening (the topic and
its history stay); ``<id>/hours/`` is its hourly volume and sentiment. ``/api/v1/mentions/``:
mentions, filtered by topic, time and sentiment; ``bulk/`` stores up to 5,000 at a time,
idempotently (the same source and external_id is stored once). ``/api/v1/listening-alerts/``:
alerts; ``dismiss/`` and ``open-incident/`` (declares a governance crisis incident from it) are
actions calling the same services as the page.
"""

from __future__ import annotations

from datetime import timedelta

import django_filters
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from analytics import permissions
from analytics.models import ListeningAlert, ListeningTopic, Mention, TopicHour
from analytics.selectors import listening as selectors
from analytics.services import listening as services
from coe.api.serializers import StrictFieldsMixin
from governance.models import CrisisPlan, CrisisScenario, Severity
from publishing.models import Channel

SENTIMENTS = ["negative", "neutral", "positive"]
MAX_HOURS_RANGE = timedelta(days=92)


def _require_view(user) -> None:
    if not permissions.can_view_listening(user):
        raise PermissionDenied("Social listening is for the CoE team.")


# --- serializers --------------------------------------------------------------------------------


class ListeningTopicSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A topic. Terms are one per line: any of ``any_terms``, all of ``all_terms``, none of
    ``exclude_terms`` (whole words, any case); at least one any/all term."""

    created_by = serializers.StringRelatedField(read_only=True)

    class Meta:
        model = ListeningTopic
        fields = [
            "id",
            "name",
            "any_terms",
            "all_terms",
            "exclude_terms",
            "is_active",
            "spike_z",
            "baseline_hours",
            "negative_turn",
            "created_by",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "created_at", "updated_at"]
        validators: list = []  # the service checks the rules, with people's words
        extra_kwargs = {"name": {"validators": []}}


class TopicHourSerializer(serializers.ModelSerializer):
    class Meta:
        model = TopicHour
        fields = ["hour", "volume", "sentiment_avg", "negative"]


class MentionSerializer(serializers.ModelSerializer):
    topics = serializers.PrimaryKeyRelatedField(many=True, read_only=True)
    sentiment_label = serializers.SerializerMethodField()

    class Meta:
        model = Mention
        fields = [
            "id",
            "source",
            "external_id",
            "author",
            "text",
            "url",
            "posted_at",
            "sentiment",
            "sentiment_label",
            "topics",
            "received_at",
        ]

    def get_sentiment_label(self, mention: Mention) -> str:
        return services.sentiment_label(mention.sentiment)


class MentionInSerializer(StrictFieldsMixin, serializers.Serializer):
    """One mention as it comes: checked by the service (so one bad row is reported, not fatal)."""

    source = serializers.CharField(allow_blank=True, required=False, default="")
    external_id = serializers.CharField(allow_blank=True, required=False, default="")
    author = serializers.CharField(allow_blank=True, required=False, default="")
    text = serializers.CharField(allow_blank=True, required=False, default="", trim_whitespace=False)
    url = serializers.CharField(allow_blank=True, required=False, default="")
    posted_at = serializers.CharField(
        allow_blank=True, required=False, default="", help_text="ISO 8601, e.g. 2026-11-20T09:30:00Z."
    )


class MentionBulkSerializer(StrictFieldsMixin, serializers.Serializer):
    rows = MentionInSerializer(many=True, allow_empty=False)
    # A documented string rather than an enum: other imports' ``mode`` enums would collide by name.
    mode = serializers.CharField(
        default="all_or_nothing",
        help_text="all_or_nothing (default): one bad row stores nothing; good_rows: store the good rows, "
        "report the others.",
    )


class MentionRowResultSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="The row's position in ``rows``, from 1.")
    status = serializers.CharField(help_text="created, duplicate, or empty when not stored.")
    mention_id = serializers.IntegerField(allow_null=True)
    errors = serializers.ListField(child=serializers.CharField())


class MentionBulkResultSerializer(serializers.Serializer):
    mode = serializers.CharField()
    created = serializers.IntegerField()
    duplicates = serializers.IntegerField()
    matched = serializers.IntegerField(help_text="New mentions that match at least one topic.")
    bad_rows = serializers.IntegerField()
    rows = MentionRowResultSerializer(many=True)


class ListeningAlertSerializer(serializers.ModelSerializer):
    topic_name = serializers.CharField(source="topic.name", read_only=True)
    handled_by = serializers.StringRelatedField(read_only=True)
    explanation = serializers.SerializerMethodField()

    class Meta:
        model = ListeningAlert
        fields = [
            "id",
            "topic",
            "topic_name",
            "kind",
            "hour",
            "volume",
            "baseline",
            "score",
            "explanation",
            "status",
            "incident",
            "handled_by",
            "handled_at",
            "created_at",
        ]

    def get_explanation(self, alert: ListeningAlert) -> str:
        return services.alert_explanation(alert)


class AlertOpenIncidentSerializer(StrictFieldsMixin, serializers.Serializer):
    """What the incident starts with; anything left out comes from the alert (title, a first
    statement to edit, severity medium — high for a negative turn — and every channel frozen)."""

    title = serializers.CharField(required=False, max_length=200)
    severity = serializers.CharField(required=False, help_text=f"One of: {', '.join(Severity.values)}.")
    first_statement = serializers.CharField(required=False)
    plan = serializers.PrimaryKeyRelatedField(queryset=CrisisPlan.objects.all(), required=False, allow_null=True)
    scenario = serializers.PrimaryKeyRelatedField(
        queryset=CrisisScenario.objects.all(), required=False, allow_null=True
    )
    all_channels = serializers.BooleanField(required=False, default=True)
    channels = serializers.PrimaryKeyRelatedField(
        many=True, queryset=Channel.objects.filter(is_active=True), required=False
    )


class AlertIncidentResultSerializer(serializers.Serializer):
    alert = ListeningAlertSerializer()
    incident = serializers.IntegerField()
    incident_url = serializers.CharField()


# --- filters ------------------------------------------------------------------------------------


class ListeningTopicFilter(django_filters.FilterSet):
    class Meta:
        model = ListeningTopic
        fields = ["is_active"]


class MentionFilter(django_filters.FilterSet):
    topic = django_filters.NumberFilter(field_name="topics", help_text="A topic's id.")
    since = django_filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="gte")
    until = django_filters.IsoDateTimeFilter(field_name="posted_at", lookup_expr="lt")
    sentiment = django_filters.ChoiceFilter(
        choices=[(s, s) for s in SENTIMENTS], method="filter_sentiment", help_text="negative, neutral or positive."
    )

    class Meta:
        model = Mention
        fields = ["topic", "source", "since", "until", "sentiment"]

    def filter_sentiment(self, queryset, name, value):
        if value == "negative":
            return queryset.filter(sentiment__lte=services.NEGATIVE_AT)
        if value == "positive":
            return queryset.filter(sentiment__gte=services.POSITIVE_AT)
        return queryset.filter(sentiment__gt=services.NEGATIVE_AT, sentiment__lt=services.POSITIVE_AT)


class ListeningAlertFilter(django_filters.FilterSet):
    since = django_filters.IsoDateTimeFilter(field_name="hour", lookup_expr="gte")

    class Meta:
        model = ListeningAlert
        fields = ["topic", "kind", "status", "since"]


# --- viewsets -----------------------------------------------------------------------------------


class ListeningTopicViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Listening topics (CoE staff). Changing terms re-matches the last 30 days of mentions.
    DELETE stops listening for the topic; it and its history stay (``is_active: false``)."""

    serializer_class = ListeningTopicSerializer
    queryset = ListeningTopic.objects.none()  # each request's is scoped in get_queryset
    filterset_class = ListeningTopicFilter
    search_fields = ["name", "any_terms", "all_terms"]
    ordering_fields = ["name", "created_at"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ListeningTopic.objects.none()
        _require_view(self.request.user)
        return selectors.topics_visible_to(self.request.user).select_related("created_by")

    def perform_create(self, serializer):
        topic = services.topic_create(actor=self.request.user, fields=dict(serializer.validated_data))
        serializer.instance = self.get_queryset().get(pk=topic.pk)

    def perform_update(self, serializer):
        topic = services.topic_update(
            actor=self.request.user, topic=serializer.instance, changes=dict(serializer.validated_data)
        )
        serializer.instance = self.get_queryset().get(pk=topic.pk)

    def perform_destroy(self, instance):
        services.topic_deactivate(actor=self.request.user, topic=instance)

    @extend_schema(
        parameters=[
            OpenApiParameter("since", str, description="ISO 8601; default: 7 days ago."),
            OpenApiParameter("until", str, description="ISO 8601 (exclusive); default: now. At most 92 days."),
        ],
        responses={200: TopicHourSerializer(many=True)},
    )
    @action(detail=True, methods=["get"], pagination_class=None, filterset_class=None)
    def hours(self, request, pk=None):
        """The topic's hours with mentions (hours not listed had none), oldest first."""
        topic = self.get_object()
        until = _moment(request.query_params.get("until"), "until") or timezone.now()
        since = _moment(request.query_params.get("since"), "since") or until - timedelta(days=7)
        if since >= until or until - since > MAX_HOURS_RANGE:
            raise serializers.ValidationError({"since": ["Give a range of at most 92 days, since before until."]})
        hours = selectors.topic_hours(user=request.user, topic=topic, since=since, until=until)
        return Response(TopicHourSerializer(hours, many=True).data)


def _moment(value: str | None, name: str):
    if not value:
        return None
    try:
        return services.parse_moment(value)
    except ValueError as exc:
        raise serializers.ValidationError({name: [str(exc)]}) from exc


class MentionViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Mentions, newest first, with their sentiment and topics (CoE staff)."""

    serializer_class = MentionSerializer
    queryset = Mention.objects.none()
    filterset_class = MentionFilter
    search_fields = ["text", "author"]
    ordering_fields = ["posted_at", "sentiment"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Mention.objects.none()
        _require_view(self.request.user)
        return selectors.mentions_visible_to(self.request.user).prefetch_related("topics").distinct()

    @extend_schema(request=MentionBulkSerializer, responses={200: MentionBulkResultSerializer})
    @action(detail=False, methods=["post"], filterset_class=None, pagination_class=None)
    def bulk(self, request):
        """Store up to 5,000 mentions: source, external_id, author, text, url, posted_at each. The
        same source and external_id is stored once (a duplicate is reported, not an error)."""
        _require_view(request.user)
        data = MentionBulkSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        report = services.mentions_ingest(actor=request.user, rows=values["rows"], source="api", mode=values["mode"])
        body = {
            "mode": report.mode,
            "created": report.created,
            "duplicates": report.duplicates,
            "matched": report.matched,
            "bad_rows": len(report.bad_rows),
            "rows": [
                {"number": row.number, "status": row.status, "mention_id": row.mention_id, "errors": row.errors}
                for row in report.rows
            ],
        }
        code = status.HTTP_400_BAD_REQUEST if report.bad_rows and not report.created and not report.duplicates else 200
        return Response(body, status=code)


class ListeningAlertViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Spike and negative-turn alerts, newest first (CoE staff)."""

    serializer_class = ListeningAlertSerializer
    queryset = ListeningAlert.objects.none()
    filterset_class = ListeningAlertFilter
    ordering_fields = ["hour", "created_at"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return ListeningAlert.objects.none()
        _require_view(self.request.user)
        return selectors.alerts_visible_to(self.request.user)

    @extend_schema(request=None, responses={200: ListeningAlertSerializer})
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """Dismiss an open alert."""
        alert = services.alert_dismiss(actor=request.user, alert=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=alert.pk)).data)

    @extend_schema(request=AlertOpenIncidentSerializer, responses={201: AlertIncidentResultSerializer})
    @action(detail=True, methods=["post"], url_path="open-incident")
    def open_incident(self, request, pk=None):
        """Declare a crisis incident from the alert (the CoE manager or a plan's spokesperson):
        publishing freezes at once, as for any incident."""
        alert = self.get_object()
        data = AlertOpenIncidentSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = dict(data.validated_data)
        values["channels"] = values.get("channels", [])
        incident = services.alert_open_incident(actor=request.user, alert=alert, **values)
        alert = self.get_queryset().get(pk=alert.pk)
        body = {
            "alert": self.get_serializer(alert).data,
            "incident": incident.pk,
            "incident_url": incident.get_absolute_url(),
        }
        return Response(body, status=status.HTTP_201_CREATED)
