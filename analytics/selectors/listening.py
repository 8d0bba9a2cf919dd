"""Social listening reads: topics, their hourly (or daily) volume and sentiment, the latest
mentions per topic, the mention list and open alerts. Only people who may view listening see any
of it (CoE staff); for everyone else each of these is empty."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.db.models import F, QuerySet, Window
from django.db.models.functions import RowNumber
from django.utils import timezone

from analytics import permissions
from analytics.models import ListeningAlert, ListeningTopic, Mention, TopicHour
from analytics.services.listening import NEGATIVE_AT, POSITIVE_AT

# The page's ranges (label, hours); up to a week is drawn per hour, longer ranges per day.
RANGES = {
    "24h": ("Last 24 hours", 24),
    "7d": ("Last 7 days", 24 * 7),
    "30d": ("Last 30 days", 24 * 30),
    "90d": ("Last 90 days", 24 * 90),
}
DEFAULT_RANGE = "7d"
HOURLY_UP_TO_HOURS = 24 * 7
LATEST_PER_TOPIC = 5
SENTIMENT_WINDOW_HOURS = 6
OPEN_ALERTS_SHOWN = 20
HANDLED_ALERTS_SHOWN = 10


def topics_visible_to(user, *, active_only: bool = False) -> QuerySet[ListeningTopic]:
    if not permissions.can_view_listening(user):
        return ListeningTopic.objects.none()
    topics = ListeningTopic.objects.all()
    return topics.filter(is_active=True) if active_only else topics


def mentions_visible_to(user) -> QuerySet[Mention]:
    if not permissions.can_view_listening(user):
        return Mention.objects.none()
    return Mention.objects.all()


def alerts_visible_to(user) -> QuerySet[ListeningAlert]:
    if not permissions.can_view_listening(user):
        return ListeningAlert.objects.none()
    return ListeningAlert.objects.select_related("topic", "incident", "handled_by")


def mentions_filtered(
    *,
    user,
    topic_id: int | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
    sentiment: str | None = None,
) -> QuerySet[Mention]:
    mentions = mentions_visible_to(user)
    if topic_id:
        mentions = mentions.filter(topics__pk=topic_id)
    if since:
        mentions = mentions.filter(posted_at__gte=since)
    if until:
        mentions = mentions.filter(posted_at__lt=until)
    if sentiment == "negative":
        mentions = mentions.filter(sentiment__lte=NEGATIVE_AT)
    elif sentiment == "positive":
        mentions = mentions.filter(sentiment__gte=POSITIVE_AT)
    elif sentiment == "neutral":
        mentions = mentions.filter(sentiment__gt=NEGATIVE_AT, sentiment__lt=POSITIVE_AT)
    return mentions


@dataclass
class TopicSeries:
    topic: ListeningTopic
    labels: list[str] = field(default_factory=list)
    starts: list[str] = field(default_factory=list)  # bucket starts and the last end (ISO): the drill-down
    volume: list[int] = field(default_factory=list)
    sentiment: list[float | None] = field(default_factory=list)
    total: int = 0
    negative: int = 0
    sentiment_avg: float | None = None
    latest: list[Mention] = field(default_factory=list)

    def chart(self) -> dict:
        return {"labels": self.labels, "starts": self.starts, "volume": self.volume, "sentiment": self.sentiment}


@dataclass
class ListeningOverview:
    since: datetime
    until: datetime
    hourly: bool
    topics: list[TopicSeries]
    open_alerts: list[ListeningAlert]
    handled_alerts: list[ListeningAlert]


def _floor_hour(moment: datetime) -> datetime:
    return moment.replace(minute=0, second=0, microsecond=0)


def listening_overview(*, user, range_key: str = DEFAULT_RANGE, now: datetime | None = None) -> ListeningOverview:
    """Per active topic, volume and average sentiment per hour (a week or less) or per day (in the
    viewer's zone), the range's totals and its latest mentions; and the open alerts. A fixed number
    of queries, whatever the data."""
    hours = RANGES.get(range_key, RANGES[DEFAULT_RANGE])[1]
    # Hours are whole UTC hours (a zone half an hour off UTC still gets every hour it stored).
    until = _floor_hour((now or timezone.now()).astimezone(UTC)) + timedelta(hours=1)
    since = until - timedelta(hours=hours)
    hourly = hours <= HOURLY_UP_TO_HOURS
    topics = list(topics_visible_to(user, active_only=True))
    by_topic: dict[int, dict[datetime, tuple[int, float, int]]] = defaultdict(dict)
    for topic_id, hour, volume, sentiment, negative in TopicHour.objects.filter(
        topic__in=topics, hour__gte=since, hour__lt=until
    ).values_list("topic_id", "hour", "volume", "sentiment_avg", "negative"):
        by_topic[topic_id][hour] = (volume, sentiment, negative)

    if hourly:
        buckets = [since + timedelta(hours=i) for i in range(hours)]

        def key(moment: datetime) -> datetime:
            return moment

        label_format = "%a %H:%M"
    else:
        first_day = timezone.localtime(since).date()
        buckets = [
            first_day + timedelta(days=i) for i in range((timezone.localtime(until).date() - first_day).days + 1)
        ]

        def key(moment: datetime):
            return timezone.localtime(moment).date()

        label_format = "%d %b"

    # Where each bucket starts, and one more: where the last one ends.
    if hourly:
        bucket_starts = [bucket.isoformat() for bucket in [*buckets, until]]
    else:
        zone = timezone.get_current_timezone()
        days = [*buckets, buckets[-1] + timedelta(days=1)]
        bucket_starts = [datetime.combine(day, datetime.min.time(), tzinfo=zone).isoformat() for day in days]
    latest = _latest_mentions([topic.pk for topic in topics])
    series = []
    for topic in topics:
        sums: dict = defaultdict(lambda: [0, 0.0])
        total = negative = 0
        weighted = 0.0
        for hour, (volume, sentiment, neg) in by_topic[topic.pk].items():
            bucket = sums[key(hour)]
            bucket[0] += volume
            bucket[1] += volume * sentiment
            total += volume
            negative += neg
            weighted += volume * sentiment
        item = TopicSeries(topic=topic, total=total, negative=negative, latest=latest.get(topic.pk, []))
        item.sentiment_avg = round(weighted / total, 3) if total else None
        window = SENTIMENT_WINDOW_HOURS if hourly else 1
        item.starts = bucket_starts
        for index, bucket in enumerate(buckets):
            volume = sums.get(bucket, (0, 0.0))[0]
            item.labels.append((timezone.localtime(bucket) if hourly else bucket).strftime(label_format))
            item.volume.append(volume)
            # Per hour, a few mentions make the average jump: the line is the mention-weighted
            # average of the last SENTIMENT_WINDOW_HOURS hours.
            recent = [sums.get(b, (0, 0.0)) for b in buckets[max(0, index - window + 1) : index + 1]]
            mentions = sum(v for v, _ in recent)
            item.sentiment.append(round(sum(w for _, w in recent) / mentions, 3) if mentions else None)
        series.append(item)
    alerts = alerts_visible_to(user).order_by("-hour", "-pk")
    return ListeningOverview(
        since=since,
        until=until,
        hourly=hourly,
        topics=series,
        open_alerts=list(alerts.filter(status=ListeningAlert.Status.OPEN)[:OPEN_ALERTS_SHOWN]),
        handled_alerts=list(alerts.exclude(status=ListeningAlert.Status.OPEN)[:HANDLED_ALERTS_SHOWN]),
    )


def _latest_mentions(topic_ids: list[int], per_topic: int = LATEST_PER_TOPIC) -> dict[int, list[Mention]]:
    """The newest ``per_topic`` mentions of each topic, in one query (a window per topic)."""
    if not topic_ids:
        return {}
    through = Mention.topics.through
    rows = (
        through.objects.filter(listeningtopic_id__in=topic_ids)
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("listeningtopic_id")],
                order_by=[F("mention__posted_at").desc(), F("mention_id").desc()],
            )
        )
        .filter(rank__lte=per_topic)
        .select_related("mention")
        .order_by("listeningtopic_id", "rank")
    )
    latest: dict[int, list[Mention]] = defaultdict(list)
    for row in rows:
        latest[row.listeningtopic_id].append(row.mention)
    return latest


def topic_hours(*, user, topic: ListeningTopic, since: datetime, until: datetime) -> QuerySet[TopicHour]:
    if not permissions.can_view_listening(user):
        return TopicHour.objects.none()
    return TopicHour.objects.filter(topic=topic, hour__gte=since, hour__lt=until).order_by("hour")


def recent_mentions_for_preview(limit: int = 2000) -> list[tuple[int, str, str, float, datetime]]:
    """The newest mentions a topic's terms are tried against before saving."""
    return list(
        Mention.objects.order_by("-posted_at", "-pk").values_list("pk", "text", "source", "sentiment", "posted_at")[
            :limit
        ]
    )
