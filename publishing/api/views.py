"""The publishing API: thin viewsets for reads and plain writes; every workflow transition is an
action endpoint (POST /api/v1/posts/{id}/submit/ …) that calls the same service as the pages."""

from __future__ import annotations

import django_filters
from django.db.models import Prefetch
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from coe.errors import DomainError
from publishing import permissions, selectors
from publishing.api.serializers import (
    ApprovalPolicySerializer,
    CampaignSerializer,
    ChannelSerializer,
    CommentInputSerializer,
    CommentSerializer,
    ContentThemeSerializer,
    DecisionInputSerializer,
    OutcomeSerializer,
    PostSerializer,
    PostStageSerializer,
    PublicationSerializer,
    RescheduleInputSerializer,
    ReviewSerializer,
    TransitionSerializer,
    WithdrawInputSerializer,
)
from publishing.models import Campaign, Channel, ContentTheme, Post, PostStage, Publication, Review
from publishing.services import campaigns as campaign_services
from publishing.services import channels as channel_services
from publishing.services import dispatch, evidence, policies, workflow

# --- channels -----------------------------------------------------------------------------------


class ChannelFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")

    class Meta:
        model = Channel
        fields = ["network", "department", "health", "is_active"]


class ChannelViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Social accounts. Credentials are write-only; reads show a masked hint."""

    serializer_class = ChannelSerializer
    filterset_class = ChannelFilter
    search_fields = ["name", "handle"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            permissions.channels_visible_to(self.request.user)
            .select_related("department", "required_track")
            .order_by("name")
        )

    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        credentials = data.pop("credentials", {})
        serializer.instance = channel_services.channel_create(actor=self.request.user, credentials=credentials, **data)

    def perform_update(self, serializer):
        data = dict(serializer.validated_data)
        credentials = data.pop("credentials", None)
        serializer.instance = channel_services.channel_update(
            actor=self.request.user, channel=serializer.instance, changes=data, credentials=credentials
        )

    @extend_schema(request=None, responses={200: ChannelSerializer})
    @action(detail=True, methods=["post"])
    def check(self, request, pk=None):
        """Ask the network who we are; a success reconnects a channel that needed it."""
        channel = self.get_object()
        account = channel_services.channel_check(actor=request.user, channel=channel)
        channel.refresh_from_db()
        return Response({**ChannelSerializer(channel, context={"request": request}).data, "account": account})


# --- posts --------------------------------------------------------------------------------------


class PostFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")
    channel = django_filters.NumberFilter(field_name="publications__channel", distinct=True)
    scheduled_after = django_filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="gte")
    scheduled_before = django_filters.IsoDateTimeFilter(field_name="scheduled_at", lookup_expr="lt")
    mine = django_filters.BooleanFilter(method="filter_mine")

    class Meta:
        model = Post
        fields = ["status", "department", "channel", "campaign", "theme"]

    def filter_mine(self, queryset, name, value):
        return queryset.filter(author=self.request.user) if value else queryset


class PostViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Posts the caller may see. Create makes a draft; PATCH edits (content edits after
    submission reset the approvals); transitions are the actions below."""

    serializer_class = PostSerializer
    filterset_class = PostFilter
    search_fields = ["text"]
    ordering_fields = ["scheduled_at", "created_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return (
            permissions.posts_visible_to(self.request.user)
            .select_related("author", "department")
            .prefetch_related(
                Prefetch("publications", queryset=Publication.objects.select_related("channel")), "channels"
            )
            .order_by("-created_at")
        )

    def _outcome(self, outcome, code=status.HTTP_200_OK):
        post = self.get_queryset().get(pk=outcome.post.pk)
        body = OutcomeSerializer({"post": post, "warnings": outcome.warnings}, context=self.get_serializer_context())
        return Response(body.data, status=code)

    @extend_schema(responses={201: OutcomeSerializer})
    def create(self, request, *args, **kwargs):
        serializer = self.get_serializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        outcome = workflow.post_create(
            actor=request.user,
            text=data.get("text", ""),
            link=data.get("link", ""),
            channels=data["channels"],
            campaign=data.get("campaign"),
            theme=data.get("theme"),
            scheduled_at=data.get("scheduled_at"),
        )
        return self._outcome(outcome, status.HTTP_201_CREATED)

    @extend_schema(responses={200: OutcomeSerializer})
    def partial_update(self, request, *args, **kwargs):
        post = self.get_object()
        serializer = self.get_serializer(post, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        outcome = workflow.post_update(actor=request.user, post=post, changes=serializer.validated_data)
        return self._outcome(outcome)

    def _decide(self, request, service):
        post = self.get_object()
        data = DecisionInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        stage = None
        if data.validated_data.get("stage"):
            stage = PostStage.objects.filter(post=post, pk=data.validated_data["stage"]).first()
            if stage is None:
                raise DomainError(
                    "That stage is not part of this post.", code="invalid", fields={"stage": ["Unknown."]}
                )
        review = service(actor=request.user, post=post, comment=data.validated_data["comment"], stage=stage)
        return Response(ReviewSerializer(review).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: OutcomeSerializer})
    @action(detail=True, methods=["post"])
    def submit(self, request, pk=None):
        """Send a draft (or a post with changes requested) for review."""
        return self._outcome(workflow.post_submit(actor=request.user, post=self.get_object()))

    @extend_schema(request=DecisionInputSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        """Approve at a stage you may decide. Nobody approves their own post."""
        return self._decide(request, workflow.review_approve)

    @extend_schema(request=DecisionInputSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"], url_path="request-changes")
    def request_changes(self, request, pk=None):
        """Send the post back to its author; the comment is required."""
        return self._decide(request, workflow.review_request_changes)

    @extend_schema(request=DecisionInputSerializer, responses={201: ReviewSerializer})
    @action(detail=True, methods=["post"])
    def reject(self, request, pk=None):
        """Reject for good; the comment is required."""
        return self._decide(request, workflow.review_reject)

    @extend_schema(request=WithdrawInputSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        data = WithdrawInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = workflow.post_withdraw(actor=request.user, post=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=post.pk)).data)

    @extend_schema(request=RescheduleInputSerializer, responses={200: PostSerializer})
    @action(detail=True, methods=["post"])
    def reschedule(self, request, pk=None):
        """Move in time; approvals stand. An expired post goes back to draft."""
        data = RescheduleInputSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        post = workflow.post_reschedule(actor=request.user, post=self.get_object(), **data.validated_data)
        return Response(self.get_serializer(self.get_queryset().get(pk=post.pk)).data)

    @extend_schema(request=None, responses={200: PostSerializer})
    @action(detail=True, methods=["post"], url_path="publish-now")
    def publish_now(self, request, pk=None):
        post = workflow.post_publish_now(actor=request.user, post=self.get_object())
        return Response(self.get_serializer(self.get_queryset().get(pk=post.pk)).data)

    @extend_schema(methods=["GET"], responses=CommentSerializer(many=True))
    @extend_schema(methods=["POST"], request=CommentInputSerializer, responses={201: CommentSerializer})
    @action(detail=True, methods=["get", "post"])
    def comments(self, request, pk=None):
        post = self.get_object()
        if request.method == "POST":
            data = CommentInputSerializer(data=request.data)
            data.is_valid(raise_exception=True)
            comment = workflow.comment_add(actor=request.user, post=post, body=data.validated_data["body"])
            return Response(CommentSerializer(comment).data, status=status.HTTP_201_CREATED)
        return Response(CommentSerializer(post.comments.select_related("author"), many=True).data)

    @extend_schema(responses=TransitionSerializer(many=True))
    @action(detail=True, methods=["get"])
    def timeline(self, request, pk=None):
        post = self.get_object()
        return Response(TransitionSerializer(post.transitions.select_related("actor"), many=True).data)

    @extend_schema(
        responses={200: OpenApiTypes.OBJECT},
        description="The evidence pack of a published post (CoE staff): the approved text and its SHA-256, "
        "approvals by stage, the author's acknowledged policy version, rule checks, publications, timeline.",
    )
    @action(detail=True, methods=["get"])
    def evidence(self, request, pk=None):
        pack = evidence.post_evidence_pack(actor=request.user, post=self.get_object())
        return Response(pack.data)

    @extend_schema(responses=PostStageSerializer(many=True))
    @action(detail=True, methods=["get"])
    def route(self, request, pk=None):
        """The approval route of the current submission."""
        post = self.get_object()
        stages = post.stages.filter(review_round=post.review_round).select_related("group").prefetch_related("people")
        return Response(PostStageSerializer(stages, many=True).data)


class ReviewQueueViewSet(mixins.ListModelMixin, viewsets.GenericViewSet):
    """Posts waiting for the caller's decision (directly or as a stand-in), earliest deadline
    first, 50 a page (``?page=``); filters as on the page: ``channel``, ``department``, ``stage``,
    ``campaign``, ``overdue=1``."""

    serializer_class = PostSerializer
    queryset = Post.objects.none()  # the queue is built by selectors.review_queue

    def list(self, request, *args, **kwargs):
        if not permissions.can_use_review_queue(request.user):
            raise PermissionDenied("The review queue is for reviewers and the CoE.")
        params = request.query_params
        filters = selectors.QueueFilters(
            channel=int(params["channel"]) if params.get("channel", "").isdigit() else None,
            department=params.get("department", ""),
            stage=params.get("stage", ""),
            campaign=int(params["campaign"]) if params.get("campaign", "").isdigit() else None,
            overdue=params.get("overdue") in {"1", "true"},
        )
        page = selectors.review_queue(user=request.user, filters=filters, page=params.get("page"))
        link = request.build_absolute_uri

        def page_url(number):
            query = params.copy()
            query["page"] = number
            return link(f"{request.path}?{query.urlencode()}")

        return Response(
            {
                "count": page.paginator.count,
                "next": page_url(page.next_page_number()) if page.has_next() else None,
                "previous": page_url(page.previous_page_number()) if page.has_previous() else None,
                "results": PostSerializer(
                    [item.post for item in page.object_list], many=True, context=self.get_serializer_context()
                ).data,
            }
        )


# --- publications, reviews, policies ------------------------------------------------------------


class PublicationViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = PublicationSerializer
    filterset_fields = ["status", "channel", "post"]

    def get_queryset(self):
        return permissions.publications_visible_to(self.request.user).select_related("channel").order_by("-id")

    @extend_schema(request=None, responses={200: PublicationSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        """Send a failed or unknown publication again (same idempotency key, fresh attempts)."""
        publication = dispatch.publication_retry(actor=request.user, publication=self.get_object())
        return Response(PublicationSerializer(publication).data)

    @extend_schema(request=None, responses={200: PublicationSerializer})
    @action(detail=True, methods=["post"], url_path="mark-published")
    def mark_published(self, request, pk=None):
        """Its outcome was unknown and a person saw it on the account: record it, no resend."""
        publication = dispatch.publication_mark_published(
            actor=request.user, publication=self.get_object(), external_url=request.data.get("external_url", "")
        )
        return Response(PublicationSerializer(publication).data)


class ReviewViewSet(mixins.ListModelMixin, mixins.RetrieveModelMixin, viewsets.GenericViewSet):
    serializer_class = ReviewSerializer
    filterset_fields = ["post", "decision"]

    def get_queryset(self):
        return (
            Review.objects.filter(post__in=permissions.posts_visible_to(self.request.user))
            .select_related("reviewer", "stage")
            .order_by("-created_at")
        )


class ApprovalPolicyViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Approval policies and their ordered stages (CoE managers write; the CoE reads)."""

    serializer_class = ApprovalPolicySerializer
    filterset_fields = ["channel", "department", "is_active"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        return permissions.policies_visible_to(self.request.user).prefetch_related("stages__people").order_by("name")

    def _save(self, serializer, policy):
        data = dict(serializer.validated_data)
        stages = data.pop("stages", None)
        if stages is None:
            stages = [
                {
                    "position": s.position,
                    "name": s.name,
                    "kind": s.kind,
                    "group": s.group,
                    "people": list(s.people.all()),
                    "department_lead": s.department_lead,
                    "required_approvals": s.required_approvals,
                    "turnaround_hours": s.turnaround_hours,
                    "external_reviewers": s.external_reviewers,
                }
                for s in policy.stages.all()
            ]
        serializer.instance = policies.policy_save(actor=self.request.user, policy=policy, fields=data, stages=stages)

    def perform_create(self, serializer):
        self._save(serializer, None)

    def perform_update(self, serializer):
        self._save(serializer, serializer.instance)


# --- campaigns and content themes ---------------------------------------------------------------


class CampaignFilter(django_filters.FilterSet):
    department = django_filters.CharFilter(field_name="department__slug")

    class Meta:
        model = Campaign
        fields = ["department", "is_sponsored", "is_active"]


class CampaignViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Campaigns: read by whoever writes, reviews or reports on posts; the CoE creates, edits and
    archives them (``is_active: false``). Only a campaign no post uses can be deleted."""

    serializer_class = CampaignSerializer
    filterset_class = CampaignFilter
    search_fields = ["name", "description"]
    ordering_fields = ["name", "starts_on", "post_count"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return permissions.campaigns_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        campaign = campaign_services.campaign_save(actor=self.request.user, fields=serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=campaign.pk)

    def perform_update(self, serializer):
        campaign = campaign_services.campaign_save(
            actor=self.request.user, campaign=serializer.instance, fields=serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=campaign.pk)

    def perform_destroy(self, instance):
        campaign_services.campaign_delete(actor=self.request.user, campaign=instance)


class ContentThemeFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")

    class Meta:
        model = ContentTheme
        fields = ["name"]


class ContentThemeViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """Content themes: read by whoever writes, reviews or reports on posts; the CoE creates and
    renames them. Only a theme no post uses can be deleted."""

    serializer_class = ContentThemeSerializer
    filterset_class = ContentThemeFilter
    search_fields = ["name"]
    ordering_fields = ["name", "post_count"]
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return permissions.themes_visible_to(self.request.user).order_by("name")

    def perform_create(self, serializer):
        theme = campaign_services.theme_save(actor=self.request.user, fields=serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=theme.pk)

    def perform_update(self, serializer):
        theme = campaign_services.theme_save(
            actor=self.request.user, theme=serializer.instance, fields=serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=theme.pk)

    def perform_destroy(self, instance):
        campaign_services.theme_delete(actor=self.request.user, theme=instance)
