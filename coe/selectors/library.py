"""Reads for the best-practice library, scoped to the person asking: approved practices for
everyone, one's own submissions in any state, everything for the CoE's curators.

Search: Postgres full-text search (title and summary weigh most, then tags, then what was done and
the results), ranked; on SQLite a plain case-insensitive match over the same fields."""

from __future__ import annotations

from django.db import connection
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce

from coe import permissions
from coe.models import Practice, PracticeAdoption, PracticeTag, PracticeVote

SORTS = {"featured": "Featured first", "votes": "Most votes", "newest": "Newest"}


def _count(model, **extra) -> Subquery:
    rows = (
        model.objects.filter(practice_id=OuterRef("pk"), **extra)
        .order_by()
        .values("practice_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    return Coalesce(Subquery(rows, output_field=IntegerField()), Value(0))


def _search(practices: QuerySet[Practice], text: str) -> QuerySet[Practice]:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.aggregates import StringAgg
        from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
        from django.db.models import TextField

        tag_names = (
            Practice.tags.through.objects.filter(practice_id=OuterRef("pk"))
            .order_by()
            .values("practice_id")
            .annotate(names=StringAgg("practicetag__name", delimiter=" "))
            .values("names")
        )
        vector = (
            SearchVector("title", weight="A", config="english")
            + SearchVector("summary", weight="A", config="english")
            + SearchVector(
                Coalesce(Subquery(tag_names, output_field=TextField()), Value(""), output_field=TextField()),
                weight="B",
                config="english",
            )
            + SearchVector("what_was_done", weight="C", config="english")
            + SearchVector("results", weight="C", config="english")
            + SearchVector("channel", weight="D", config="english")
        )
        query = SearchQuery(text, search_type="websearch", config="english")
        return (
            practices.annotate(document=vector, rank=SearchRank(vector, query))
            .filter(document=query)
            .order_by("-rank", "-is_featured", "-created_at")
        )
    words = text.split()
    for word in words:
        practices = practices.filter(
            Q(title__icontains=word)
            | Q(summary__icontains=word)
            | Q(what_was_done__icontains=word)
            | Q(results__icontains=word)
            | Q(channel__icontains=word)
            | Q(pk__in=Practice.tags.through.objects.filter(practicetag__name__icontains=word).values("practice_id"))
        )
    return practices


def practices_list(
    *,
    user,
    search: str = "",
    tag: str = "",
    department: str = "",
    kind: str = "",
    channel: str = "",
    status: str = "",
    sort: str = "featured",
) -> QuerySet[Practice]:
    """The practices the person sees, with vote and adoption counts and whether they voted — in a
    fixed number of queries however many there are (tags prefetched)."""
    practices = (
        permissions.practices_visible_to(user)
        .select_related("department", "submitted_by")
        .prefetch_related("tags")
        .annotate(
            vote_count=_count(PracticeVote),
            adoption_count=_count(PracticeAdoption),
            voted=Exists(PracticeVote.objects.filter(practice_id=OuterRef("pk"), user_id=getattr(user, "pk", None))),
        )
    )
    # The library shows what is in it; one's own pending or declined ones are listed apart.
    practices = practices.filter(status=status or Practice.Status.APPROVED)
    if tag:
        practices = practices.filter(
            pk__in=Practice.tags.through.objects.filter(practicetag__slug=tag).values("practice_id")
        )
    if department:
        practices = practices.filter(department__slug=department)
    if kind:
        practices = practices.filter(kind=kind)
    if channel:
        practices = practices.filter(channel__iexact=channel)
    if search.strip():
        practices = _search(practices, search.strip())
        if connection.vendor == "postgresql":
            return practices
    if sort == "votes":
        return practices.order_by("-vote_count", "-created_at")
    if sort == "newest":
        return practices.order_by("-created_at")
    return practices.order_by("-is_featured", "-vote_count", "-created_at")


def my_practices(*, user) -> QuerySet[Practice]:
    """The person's own submissions still waiting or declined (with the CoE's note)."""
    if not getattr(user, "pk", None):
        return Practice.objects.none()
    return (
        permissions.practices_visible_to(user)
        .filter(submitted_by_id=user.pk)
        .exclude(status=Practice.Status.APPROVED)
        .order_by("-created_at")
    )


def review_queue(*, user) -> QuerySet[Practice]:
    if not permissions.can_curate_practices(user):
        return Practice.objects.none()
    return (
        Practice.objects.filter(status=Practice.Status.SUBMITTED)
        .select_related("department", "submitted_by")
        .prefetch_related("tags", "attachments")
        .order_by("created_at")
    )


def practices_any_status(*, user) -> QuerySet[Practice]:
    """Every practice the person sees (any status), with its counts and their vote."""
    return (
        permissions.practices_visible_to(user)
        .select_related("department", "submitted_by", "curated_by")
        .prefetch_related("tags", "attachments")
        .annotate(
            vote_count=_count(PracticeVote),
            adoption_count=_count(PracticeAdoption),
            voted=Exists(PracticeVote.objects.filter(practice_id=OuterRef("pk"), user_id=getattr(user, "pk", None))),
        )
    )


def practice_get(*, user, pk: int) -> Practice:
    """Practice.DoesNotExist (a 404) for one the person may not see."""
    return practices_any_status(user=user).get(pk=pk)


def practice_adoptions(*, practice: Practice) -> QuerySet[PracticeAdoption]:
    return practice.adoptions.select_related("department", "adopted_by").order_by("-adopted_at")


def practice_tags(*, user) -> QuerySet[PracticeTag]:
    if not permissions.can_view_library(user):
        return PracticeTag.objects.none()
    return PracticeTag.objects.annotate(
        practice_count=Count("practices", filter=Q(practices__status=Practice.Status.APPROVED))
    ).order_by("name")


def practice_channels(*, user) -> list[str]:
    rows = (
        permissions.practices_visible_to(user)
        .filter(status=Practice.Status.APPROVED)
        .exclude(channel="")
        .order_by("channel")
        .values_list("channel", flat=True)
        .distinct()
    )
    return list(rows)
