"""Every read of publishing, scoped to the person asking (publishing.permissions)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.core.paginator import Page, Paginator
from django.db.models import Count, Exists, F, OuterRef, Prefetch, Q, QuerySet, Subquery
from django.shortcuts import get_object_or_404
from django.utils import timezone

from publishing import permissions
from publishing.models import (
    Channel,
    Comment,
    Post,
    PostRevision,
    PostStage,
    PostTransition,
    Publication,
    Review,
    ReviewSeen,
    StageKind,
)

# --- posts --------------------------------------------------------------------------------------


@dataclass
class PostFilters:
    status: str = ""
    department: str = ""
    channel: int | None = None
    campaign: int | None = None
    search: str = ""
    mine: bool = False


def posts_list(*, user, filters: PostFilters | None = None) -> QuerySet[Post]:
    filters = filters or PostFilters()
    posts = (
        permissions.posts_visible_to(user)
        .select_related("author", "department", "campaign", "theme")
        .prefetch_related(Prefetch("publications", queryset=Publication.objects.select_related("channel")))
        .order_by(F("scheduled_at").desc(nulls_first=True), "-created_at")
    )
    if filters.status in Post.Status.values:
        posts = posts.filter(status=filters.status)
    if filters.department:
        posts = posts.filter(department__slug=filters.department)
    if filters.channel:
        posts = posts.filter(publications__channel=filters.channel)
    if filters.campaign:
        posts = posts.filter(campaign=filters.campaign)
    if filters.search:
        posts = posts.filter(text__icontains=filters.search)
    if filters.mine:
        posts = posts.filter(author=user)
    return posts.distinct()


def post_get(*, user, pk: int) -> Post:
    return get_object_or_404(permissions.posts_visible_to(user).select_related("author", "department"), pk=pk)


def post_detail(*, user, pk: int) -> Post:
    """One post with everything its page shows, in a fixed number of queries."""
    posts = permissions.posts_visible_to(user).select_related("author", "department", "campaign", "theme")
    return get_object_or_404(
        posts.prefetch_related(
            Prefetch("publications", queryset=Publication.objects.select_related("channel").order_by("channel__name")),
            "media",
            Prefetch(
                "stages",
                queryset=PostStage.objects.select_related("group")
                .prefetch_related("people")
                .order_by("review_round", "position", "id"),
            ),
            Prefetch("reviews", queryset=Review.objects.select_related("reviewer", "on_behalf_of", "stage")),
            Prefetch("transitions", queryset=PostTransition.objects.select_related("actor")),
            Prefetch("comments", queryset=Comment.objects.select_related("author")),
        ),
        pk=pk,
    )


def post_revision(*, post: Post, version: int) -> PostRevision | None:
    return PostRevision.objects.filter(post=post, version=version).first()


# --- review queue -------------------------------------------------------------------------------


@dataclass
class QueueFilters:
    channel: int | None = None
    department: str = ""
    stage: str = ""
    campaign: int | None = None
    overdue: bool = False


@dataclass
class QueueItem:
    post: Post
    stages: list[PostStage]
    seen_version: int | None
    seen_text: str | None
    due_at: datetime | None = None
    overdue: bool = False
    channels: list[Channel] = field(default_factory=list)

    @property
    def changed_since_seen(self) -> bool:
        return self.seen_version is not None and self.seen_version < self.post.version


def _my_active_stages(user) -> QuerySet[PostStage]:
    approved_by_me = Review.objects.filter(
        stage=OuterRef("pk"), reviewer=user, decision=Review.Decision.APPROVE, post_version=OuterRef("post__version")
    )
    return (
        PostStage.objects.filter(
            status=PostStage.Status.ACTIVE,
            kind=StageKind.GATE,
            review_round=F("post__review_round"),
            post__status=Post.Status.IN_REVIEW,
        )
        .filter(permissions.stage_eligibility_q(user))
        .exclude(post__author=user)
        .annotate(done=Exists(approved_by_me))
        .filter(done=False)
    )


def review_queue_count(*, user) -> int:
    if not (user and user.is_authenticated):
        return 0
    return _my_active_stages(user).values("post").distinct().count()


REVIEW_QUEUE_PAGE_SIZE = 50


def review_queue(*, user, filters: QueueFilters | None = None, page: int | str | None = 1) -> Page:
    """Posts waiting on this person (directly or as a stand-in), earliest deadline first, a page at
    a time; ``page.object_list`` holds ``QueueItem``s with what changed since they last looked.
    A fixed number of queries, whatever the length of the queue."""
    filters = filters or QueueFilters()
    stages = _my_active_stages(user)
    if filters.stage:
        stages = stages.filter(name__iexact=filters.stage)
    if filters.overdue:
        stages = stages.filter(due_at__lt=timezone.now())
    earliest_due = stages.filter(post=OuterRef("pk")).exclude(due_at=None).order_by("due_at").values("due_at")[:1]
    posts = (
        Post.objects.filter(pk__in=stages.values("post"))
        .select_related("author", "department", "campaign")
        .annotate(my_due_at=Subquery(earliest_due))
    )
    if filters.channel:
        posts = posts.filter(Exists(Publication.objects.filter(post=OuterRef("pk"), channel=filters.channel)))
    if filters.department:
        posts = posts.filter(department__slug=filters.department)
    if filters.campaign:
        posts = posts.filter(campaign=filters.campaign)
    posts = posts.order_by(F("my_due_at").asc(nulls_last=True), "pk").prefetch_related(
        Prefetch("publications", queryset=Publication.objects.select_related("channel")),
        Prefetch("stages", queryset=stages.order_by("position"), to_attr="my_stages"),
        Prefetch("revisions", queryset=PostRevision.objects.only("post_id", "version", "text")),
        "media",
    )
    result = Paginator(posts, REVIEW_QUEUE_PAGE_SIZE).get_page(page)
    result.object_list = _queue_items(user, list(result.object_list))
    return result


def _queue_items(user, posts: list[Post]) -> list[QueueItem]:
    seen = dict(
        ReviewSeen.objects.filter(user=user, post__in=[post.pk for post in posts]).values_list("post_id", "version")
    )
    now = timezone.now()
    items = []
    for post in posts:
        seen_version = seen.get(post.pk)
        revisions = {revision.version: revision.text for revision in post.revisions.all()}
        items.append(
            QueueItem(
                post=post,
                stages=post.my_stages,
                seen_version=seen_version,
                seen_text=revisions.get(seen_version) if seen_version else None,
                due_at=post.my_due_at,
                overdue=bool(post.my_due_at and post.my_due_at < now),
                channels=[publication.channel for publication in post.publications.all()],
            )
        )
    return items


def review_stage_names(*, user) -> list[str]:
    return sorted(set(_my_active_stages(user).values_list("name", flat=True)))


# --- calendar -----------------------------------------------------------------------------------


@dataclass
class CalendarFilters:
    channel: int | None = None
    department: str = ""
    status: str = ""
    campaign: int | None = None


def calendar_publications(*, user, start: datetime, end: datetime, filters: CalendarFilters | None = None):
    """Publications (one per post and channel) that go out — or went out — between start and
    end, as plain rows: one query, whatever the month holds."""
    filters = filters or CalendarFilters()
    rows = (
        permissions.publications_visible_to(user)
        .filter(
            Q(published_at__gte=start, published_at__lt=end)
            | Q(published_at__isnull=True, scheduled_at__gte=start, scheduled_at__lt=end)
            | Q(
                published_at__isnull=True,
                scheduled_at__isnull=True,
                post__scheduled_at__gte=start,
                post__scheduled_at__lt=end,
            )
        )
        .exclude(status=Publication.Status.CANCELLED, post__status__in=[Post.Status.WITHDRAWN, Post.Status.REJECTED])
    )
    if filters.channel:
        rows = rows.filter(channel=filters.channel)
    if filters.department:
        rows = rows.filter(post__department__slug=filters.department)
    if filters.status:
        rows = rows.filter(Q(status=filters.status) | Q(post__status=filters.status))
    if filters.campaign:
        rows = rows.filter(post__campaign=filters.campaign)
    return rows.values(
        "pk",
        "status",
        "hold_reason",
        "scheduled_at",
        "published_at",
        "external_url",
        "post_id",
        "post__text",
        "post__status",
        "post__scheduled_at",
        "post__author_id",
        "post__department_id",
        "post__department__name",
        "post__campaign__name",
        "channel__name",
        "channel__network",
    ).order_by("scheduled_at", "pk")


# --- channels and publications ------------------------------------------------------------------


def channels_list(*, user) -> QuerySet[Channel]:
    return (
        permissions.channels_visible_to(user)
        .select_related("department")
        .annotate(
            scheduled_count=Count("publications", filter=Q(publications__status=Publication.Status.SCHEDULED)),
            failed_count=Count("publications", filter=Q(publications__status=Publication.Status.FAILED)),
            held_count=Count("publications", filter=Q(publications__status=Publication.Status.HELD)),
            unknown_count=Count("publications", filter=Q(publications__status=Publication.Status.UNKNOWN)),
        )
        .order_by("department__name", "name")
    )


def channel_get(*, user, pk: int) -> Channel:
    return get_object_or_404(permissions.channels_visible_to(user).select_related("department"), pk=pk)


def publications_needing_attention(*, user) -> QuerySet[Publication]:
    """Failed, unknown and held publications this person may act on."""
    return (
        permissions.publications_visible_to(user)
        .filter(status__in=[Publication.Status.FAILED, Publication.Status.UNKNOWN, Publication.Status.HELD])
        .select_related("post", "post__author", "channel")
        .order_by("-updated_at")
    )


@dataclass(frozen=True)
class PublishingSummary:
    waiting_on_me: int
    changes_requested: int
    needing_attention: int
    today: int
    expired: int


def home_summary(*, user) -> PublishingSummary:
    now = timezone.localtime()
    start = now.replace(hour=0, minute=0, second=0, microsecond=0)
    tomorrow = start + timedelta(days=1)
    attention = [Publication.Status.FAILED, Publication.Status.UNKNOWN, Publication.Status.HELD]
    going_out = [Publication.Status.SCHEDULED, Publication.Status.QUEUED, Publication.Status.PUBLISHED]
    publications = permissions.publications_visible_to(user).aggregate(
        attention=Count("pk", filter=Q(status__in=attention)),
        today=Count(
            "pk",
            filter=Q(status__in=going_out)
            & (
                Q(scheduled_at__gte=start, scheduled_at__lt=tomorrow)
                | Q(published_at__gte=start, published_at__lt=tomorrow)
            ),
        ),
    )
    mine = Post.objects.filter(author=user).aggregate(
        changes=Count("pk", filter=Q(status=Post.Status.CHANGES_REQUESTED)),
        expired=Count("pk", filter=Q(status=Post.Status.EXPIRED)),
    )
    return PublishingSummary(
        waiting_on_me=review_queue_count(user=user) if permissions.can_use_review_queue(user) else 0,
        changes_requested=mine["changes"],
        needing_attention=publications["attention"],
        today=publications["today"],
        expired=mine["expired"],
    )
