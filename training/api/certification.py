"""Certification tracks and certificates over the API, and the public verification of a code.

Tracks: everyone reads the offered ones with their own progress; the CoE creates and changes them.
Certificates: your own (everyone's for CoE staff); a CoE manager revokes. ``certificates/verify/
{code}/`` answers anyone, signed in or not, with only what a verifier needs."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from django.urls import reverse
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import NotFound
from rest_framework.permissions import AllowAny
from rest_framework.response import Response
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle

from coe.api.serializers import StrictFieldsMixin
from training import permissions
from training.models import Certificate, CertificationTrack, Module, TrackModule
from training.selectors import certification as selectors
from training.services import certification as services

# --- serializers --------------------------------------------------------------------------------


class TrackProgressSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=selectors.TRACK_STATE_CHOICES)
    done = serializers.IntegerField()
    total = serializers.IntegerField()
    percent = serializers.IntegerField()
    passed_modules = serializers.SerializerMethodField()
    certificate = serializers.CharField(source="valid_certificate.code", default=None, allow_null=True)
    expires_at = serializers.DateTimeField(source="valid_certificate.expires_at", default=None, allow_null=True)
    renewal_opens_at = serializers.DateTimeField(allow_null=True)

    @extend_schema_field(serializers.ListField(child=serializers.SlugField()))
    def get_passed_modules(self, progress) -> list[str]:
        return [step.module.slug for step in progress.steps if step.counts]


class TrackModulesField(serializers.ManyRelatedField):
    """The track's modules in their order (from the prefetched ``ordered_modules`` when there)."""

    def get_attribute(self, instance):
        ordered = getattr(instance, "ordered_modules", None)
        if ordered is None:
            ordered = instance.track_modules.select_related("module").order_by("position", "id")
        return [track_module.module for track_module in ordered]


class TrackSerializer(StrictFieldsMixin, serializers.ModelSerializer):
    """A track: its modules in order (slugs), the final exam, the validity, whether it is offered,
    and the caller's own progress. ``modules`` is written as an ordered list of slugs."""

    modules = TrackModulesField(
        child_relation=serializers.SlugRelatedField(slug_field="slug", queryset=Module.objects.none()), required=False
    )
    final_exam = serializers.SlugRelatedField(
        slug_field="slug", queryset=Module.objects.none(), allow_null=True, required=False
    )
    url = serializers.CharField(source="get_absolute_url", read_only=True)
    my_progress = serializers.SerializerMethodField()

    class Meta:
        model = CertificationTrack
        fields = [
            "id",
            "slug",
            "name",
            "description",
            "modules",
            "final_exam",
            "validity_days",
            "is_active",
            "url",
            "my_progress",
            "created_at",
            "updated_at",
        ]
        read_only_fields = ["id", "slug", "created_at", "updated_at"]
        validators: list = []
        extra_kwargs = {"name": {"required": False, "validators": []}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            visible = permissions.modules_visible_to(request.user)
            self.fields["modules"].child_relation.queryset = visible
            self.fields["final_exam"].queryset = visible

    @extend_schema_field(TrackProgressSerializer(allow_null=True))
    def get_my_progress(self, track):
        progress = self.context.get("progress", {}).get(track.pk)
        return TrackProgressSerializer(progress).data if progress is not None else None


class CertificateSerializer(serializers.ModelSerializer):
    track = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    track_name = serializers.CharField(source="track.name", read_only=True)
    username = serializers.CharField(source="user.username", read_only=True)
    state = serializers.ChoiceField(
        choices=Certificate.Status.choices,
        read_only=True,
        help_text="Valid, expired or revoked, as a verifier is told.",
    )
    url = serializers.SerializerMethodField()
    verify_url = serializers.SerializerMethodField()

    class Meta:
        model = Certificate
        fields = [
            "code",
            "track",
            "track_name",
            "user",
            "username",
            "holder_name",
            "state",
            "issued_at",
            "expires_at",
            "expired_at",
            "revoked_at",
            "revoke_reason",
            "url",
            "verify_url",
        ]
        read_only_fields = fields

    def get_url(self, certificate) -> str:
        return reverse("training:certificate_detail", kwargs={"code": certificate.code})

    def get_verify_url(self, certificate) -> str:
        return reverse("training:verify", kwargs={"code": certificate.code})


class RevokeSerializer(StrictFieldsMixin, serializers.Serializer):
    reason = serializers.CharField(max_length=300, help_text="The holder is told; never shown publicly.")


class VerificationSerializer(serializers.Serializer):
    """What anyone may know about a certificate from its code."""

    holder_name = serializers.CharField()
    track = serializers.CharField(source="track_name")
    issued_at = serializers.DateTimeField()
    expires_at = serializers.DateTimeField()
    state = serializers.ChoiceField(choices=Certificate.Status.choices)
    state_since = serializers.DateTimeField(
        allow_null=True, help_text="When it expired or was revoked; null while valid."
    )
    renewed = serializers.BooleanField(help_text="Closed early because the holder renewed it.")


# --- viewsets -----------------------------------------------------------------------------------


class TrackFilter(django_filters.FilterSet):
    class Meta:
        model = CertificationTrack
        fields = ["is_active"]


class TrackViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Certification tracks with the caller's progress (``my_progress``). The CoE creates and
    changes them; stop offering one with ``is_active: false``."""

    serializer_class = TrackSerializer
    queryset = CertificationTrack.objects.none()  # each request's is scoped in get_queryset
    filterset_class = TrackFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "created_at"]
    lookup_field = "slug"
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return CertificationTrack.objects.none()
        return (
            selectors.tracks_for(user=self.request.user)
            .select_related("final_exam")
            .prefetch_related(
                Prefetch(
                    "track_modules",
                    queryset=TrackModule.objects.select_related("module").order_by("position", "id"),
                    to_attr="ordered_modules",
                )
            )
        )

    def _with_progress(self, tracks) -> dict:
        return {
            **self.get_serializer_context(),
            "progress": selectors.track_progress(user=self.request.user, tracks=tracks),
        }

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        page = self.paginate_queryset(queryset)
        tracks = list(page if page is not None else queryset)
        data = TrackSerializer(tracks, many=True, context=self._with_progress(tracks)).data
        return self.get_paginated_response(data) if page is not None else Response(data)

    def retrieve(self, request, *args, **kwargs):
        track = self.get_object()
        return Response(TrackSerializer(track, context=self._with_progress([track])).data)

    def _present(self, track, code=status.HTTP_200_OK) -> Response:
        track = self.get_queryset().get(pk=track.pk)
        return Response(TrackSerializer(track, context=self._with_progress([track])).data, status=code)

    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        track = services.track_create(actor=request.user, fields=dict(serializer.validated_data))
        return self._present(track, status.HTTP_201_CREATED)

    def partial_update(self, request, *args, **kwargs):
        track = self.get_object()
        serializer = self.get_serializer(track, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        track = services.track_update(actor=request.user, track=track, changes=dict(serializer.validated_data))
        return self._present(track)


class CertificateFilter(django_filters.FilterSet):
    track = django_filters.CharFilter(field_name="track__slug")
    state = django_filters.ChoiceFilter(
        choices=selectors.CertificateState.CHOICES,
        method="filter_state",
        help_text="valid, expiring (within 30 days), expired or revoked.",
    )

    class Meta:
        model = Certificate
        fields = ["track", "state", "user"]

    def filter_state(self, queryset, name, value):
        return queryset.filter(selectors.state_q(value, now=timezone.now()))


class CertificateViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    """Certificates: your own (everyone's for CoE staff), newest first, by their code. A CoE
    manager ``revoke``s one with a reason. ``verify/{code}/`` is public."""

    serializer_class = CertificateSerializer
    queryset = Certificate.objects.none()  # each request's is scoped in get_queryset
    filterset_class = CertificateFilter
    search_fields = ["holder_name", "user__username"]
    ordering_fields = ["issued_at", "expires_at"]
    lookup_field = "code"

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Certificate.objects.none()
        return selectors.certificates_list(user=self.request.user)

    @extend_schema(request=RevokeSerializer, responses={200: CertificateSerializer})
    @action(detail=True, methods=["post"])
    def revoke(self, request, code=None):
        """Revoke (a CoE manager), with the reason the holder is told."""
        data = RevokeSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.certificate_revoke(
            actor=request.user, certificate=self.get_object(), reason=data.validated_data["reason"]
        )
        fresh = self.get_queryset().get(pk=certificate.pk)
        return Response(CertificateSerializer(fresh, context=self.get_serializer_context()).data)

    @extend_schema(request=None, responses={200: VerificationSerializer}, filters=False)
    @action(
        detail=False,
        methods=["get"],
        url_path=r"verify/(?P<verification_code>[A-Za-z0-9_-]{1,64})",
        permission_classes=[AllowAny],
        throttle_classes=[AnonRateThrottle, UserRateThrottle],
        pagination_class=None,
        filterset_class=None,
    )
    def verify(self, request, verification_code=None):
        """Anyone, signed in or not: the holder, the track, issued, expires and the state (valid,
        expired or revoked, with the date). An unknown code is a 404 that says nothing more."""
        verification = selectors.verify_code(code=verification_code)
        if not verification.found:
            raise NotFound("No certificate has this code; check that it was copied in full.")
        return Response(VerificationSerializer(verification).data)
