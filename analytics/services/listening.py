"""Social listening: every write, one function each.

Rules kept here:

- A topic is terms, one per line, in three lists. A mention matches when it contains **any** of
  the ``any`` terms (if there are some), **all** of the ``all`` terms and **none** of the
  ``exclude`` terms. A topic needs at least one ``any`` or ``all`` term. Matching ignores case and
  is whole-word-ish: a term matches where it is not glued to other letters or digits, so “acme”
  matches “Acme's”, “#acme” and “ACME!” but not “acmeville”; a phrase (“acme pay”) matches with
  any spacing between its words. Terms may include ``#`` or ``@``.
- A mention is stored once per (source, external_id); ingesting it again changes nothing. Its
  sentiment is VADER's compound score (-1 … 1), computed once when it is stored. Negative means a
  score of -0.05 or lower, positive 0.05 or higher (VADER's own thresholds).
- Changing a topic's terms re-matches the mentions of the last ``LISTENING_REMATCH_DAYS`` days
  (in chunks; at once when they are at most REMATCH_NOW_UP_TO, else by topic_rematch_task after
  the commit) and recomputes their hours; older history stays as it was matched.
- Topic-hours (volume, average sentiment, negative count per topic and UTC hour) are computed in
  SQL from the mentions; hours that lost all their mentions are deleted.
- Spikes: for each active topic, each of the latest ``DETECT_HOURS`` complete hours is compared
  with the ``baseline_hours`` hours before it; hours without mentions count as zero. A volume spike
  is a z-score of at least ``spike_z`` with at least ``MIN_ALERT_VOLUME`` mentions (so a quiet topic
  going from 0 to 2 mentions pages nobody). The spread used is at least √mean and at least 1: a
  perfectly flat baseline has no spread, and counts of mentions vary about that much by chance. A
  sharp turn negative is an hour with at least ``MIN_ALERT_VOLUME`` mentions whose average
  sentiment is ``negative_turn`` or more below the baseline's (mention-weighted) average, when the
  baseline has at least ``MIN_ALERT_VOLUME`` mentions. One alert per topic, kind and hour; the CoE
  is told once, when it is raised.
- An alert is dismissed, or turned into a governance crisis incident (by whoever may declare one:
  the CoE manager or a plan's spokesperson), by CoE staff; each only once.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from functools import cache, lru_cache
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from analytics import permissions
from analytics.models import ListeningAlert, ListeningTopic, Mention, TopicHour
from coe import services as coe_services
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.roles import Role

User = get_user_model()

NEGATIVE_AT = -0.05
POSITIVE_AT = 0.05
MIN_ALERT_VOLUME = 5
DETECT_HOURS = 3
MIN_BASELINE_HOURS, MAX_BASELINE_HOURS = 24, 24 * 28
MAX_INGEST_ROWS = 5000
MAX_TEXT = 10_000
REMATCH_CHUNK = 2000
REMATCH_NOW_UP_TO = 20_000  # recent mentions re-matched within the request; more go to a task
MENTION_COLUMNS = ["source", "external_id", "author", "text", "url", "posted_at"]
REQUIRED_COLUMNS = ["source", "external_id", "text", "posted_at"]
TOPIC_FIELDS = frozenset(
    {"name", "any_terms", "all_terms", "exclude_terms", "is_active", "spike_z", "baseline_hours", "negative_turn"}
)
TERM_FIELDS = ("any_terms", "all_terms", "exclude_terms")


def rematch_days() -> int:
    return int(getattr(settings, "LISTENING_REMATCH_DAYS", 30))


def _invalid(message: str, field_name: str | None = None) -> DomainError:
    return DomainError(message, code="invalid", fields={field_name: [message]} if field_name else None)


# --- sentiment ----------------------------------------------------------------------------------


@cache
def _analyser():
    """VADER's analyser loads its lexicon once per process."""
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


@lru_cache(maxsize=4096)
def sentiment_of(text: str) -> float:
    """VADER's compound score of ``text``, rounded to 4 places: -1 (negative) … 1 (positive)."""
    return round(_analyser().polarity_scores(text or "")["compound"], 4)


def sentiment_label(score: float) -> str:
    if score <= NEGATIVE_AT:
        return "negative"
    if score >= POSITIVE_AT:
        return "positive"
    return "neutral"


# --- matching -----------------------------------------------------------------------------------


def terms_of(text: str | None) -> list[str]:
    """The terms of one list: one per line, trimmed, case-folded, without repeats or blanks."""
    seen: dict[str, None] = {}
    for line in (text or "").splitlines():
        term = " ".join(line.split()).casefold()
        if term:
            seen.setdefault(term, None)
    return list(seen)


def _pattern(term: str) -> str:
    words = [re.escape(word) for word in term.split(" ")]
    return r"(?<![^\W_])" + r"\s+".join(words) + r"(?![^\W_])"


@dataclass(frozen=True)
class TopicMatcher:
    """The compiled rule of one topic (see the module's docstring)."""

    topic_id: int | None
    any_re: re.Pattern | None
    all_res: tuple[re.Pattern, ...]
    exclude_re: re.Pattern | None

    @classmethod
    def build(cls, *, any_terms: str, all_terms: str, exclude_terms: str, topic_id: int | None = None):
        def one(terms: list[str]) -> re.Pattern | None:
            return re.compile("|".join(_pattern(t) for t in terms), re.IGNORECASE) if terms else None

        return cls(
            topic_id=topic_id,
            any_re=one(terms_of(any_terms)),
            all_res=tuple(re.compile(_pattern(t), re.IGNORECASE) for t in terms_of(all_terms)),
            exclude_re=one(terms_of(exclude_terms)),
        )

    @classmethod
    def for_topic(cls, topic: ListeningTopic) -> TopicMatcher:
        return cls.build(
            any_terms=topic.any_terms, all_terms=topic.all_terms, exclude_terms=topic.exclude_terms, topic_id=topic.pk
        )

    def matches(self, text: str) -> bool:
        if self.any_re is None and not self.all_res:
            return False
        if self.any_re is not None and not self.any_re.search(text):
            return False
        if not all(pattern.search(text) for pattern in self.all_res):
            return False
        return not (self.exclude_re is not None and self.exclude_re.search(text))


def active_matchers() -> list[TopicMatcher]:
    return [TopicMatcher.for_topic(topic) for topic in ListeningTopic.objects.filter(is_active=True)]


# --- topics -------------------------------------------------------------------------------------


def _require_manage(actor) -> None:
    if not permissions.can_manage_listening(actor):
        raise NotAllowed("Only CoE staff set up listening topics and handle their mentions and alerts.")


def _decimal(value, field_name: str, low: Decimal, high: Decimal, label: str) -> Decimal:
    try:
        number = Decimal(str(value))
    except (InvalidOperation, ValueError) as exc:
        raise _invalid(f"{label} must be a number.", field_name) from exc
    if not low <= number <= high:
        raise _invalid(f"{label} must be between {low} and {high}.", field_name)
    return number


def _apply_topic_fields(topic: ListeningTopic, fields: Mapping[str, Any]) -> None:
    unknown = set(fields) - TOPIC_FIELDS
    if unknown:
        raise _invalid(f"These cannot be set on a topic: {', '.join(sorted(unknown))}.")
    if "name" in fields:
        name = " ".join((fields["name"] or "").split())
        if not name:
            raise _invalid("Give the topic a name.", "name")
        if ListeningTopic.objects.filter(name__iexact=name).exclude(pk=topic.pk).exists():
            raise _invalid(f"A topic named “{name}” already exists.", "name")
        topic.name = name[:120]
    for name in TERM_FIELDS:
        if name in fields:
            setattr(topic, name, "\n".join(terms_of(fields[name])))
    if not terms_of(topic.any_terms) and not terms_of(topic.all_terms):
        raise _invalid("Give at least one term under “any of” or “all of”.", "any_terms")
    if "is_active" in fields:
        topic.is_active = bool(fields["is_active"])
    if "spike_z" in fields:
        topic.spike_z = _decimal(fields["spike_z"], "spike_z", Decimal("1"), Decimal("10"), "The spike threshold")
    if "negative_turn" in fields:
        topic.negative_turn = _decimal(
            fields["negative_turn"], "negative_turn", Decimal("0.05"), Decimal("2"), "The negative turn"
        )
    if "baseline_hours" in fields:
        try:
            hours = int(fields["baseline_hours"])
        except (TypeError, ValueError) as exc:
            raise _invalid("The baseline is a whole number of hours.", "baseline_hours") from exc
        if not MIN_BASELINE_HOURS <= hours <= MAX_BASELINE_HOURS:
            raise _invalid(
                f"The baseline must be between {MIN_BASELINE_HOURS} and {MAX_BASELINE_HOURS} hours.", "baseline_hours"
            )
        topic.baseline_hours = hours


@transaction.atomic
def topic_create(*, actor, fields: Mapping[str, Any]) -> ListeningTopic:
    """A new listening topic (CoE staff). The mentions of the last LISTENING_REMATCH_DAYS days
    that match it are attached and its hours computed at once."""
    _require_manage(actor)
    if "name" not in fields:
        raise _invalid("Give the topic a name.", "name")
    topic = ListeningTopic(created_by=actor if getattr(actor, "pk", None) else None)
    _apply_topic_fields(topic, fields)
    topic.save()
    matched = _rematch_now_or_later(topic)
    audit(
        actor=actor,
        action="listening_topic.created",
        obj=topic,
        summary=f"Listening topic “{topic}” created"
        + (f"; {matched} recent mention(s) match it." if matched is not None else "; matching recent mentions."),
        data={"matched": matched},
    )
    return topic


@transaction.atomic
def topic_update(*, actor, topic: ListeningTopic, changes: Mapping[str, Any]) -> ListeningTopic:
    """Change a topic (CoE staff). New terms re-match the recent mentions (see the module)."""
    _require_manage(actor)
    topic = ListeningTopic.objects.select_for_update().get(pk=topic.pk)
    before = {name: getattr(topic, name) for name in TOPIC_FIELDS}
    _apply_topic_fields(topic, changes)
    changed = [name for name in sorted(TOPIC_FIELDS) if getattr(topic, name) != before[name]]
    if not changed:
        return topic
    topic.save()
    data: dict[str, Any] = {"changed": changed}
    if any(name in changed for name in TERM_FIELDS):
        data["matched"] = _rematch_now_or_later(topic)
    audit(
        actor=actor,
        action="listening_topic.changed",
        obj=topic,
        summary=f"Listening topic “{topic}” changed: {', '.join(changed)}.",
        data=data,
    )
    return topic


def topic_deactivate(*, actor, topic: ListeningTopic) -> ListeningTopic:
    """Stop listening for a topic (CoE staff): new mentions no longer match it and it raises no
    alerts; its history stays."""
    return topic_update(actor=actor, topic=topic, changes={"is_active": False})


def _rematch_now_or_later(topic: ListeningTopic) -> int | None:
    """Re-match at once when the recent mentions are few (the person sees the result); else in
    the background after the commit (topic_rematch_task). Returns the matches, or None if later."""
    since = timezone.now() - timedelta(days=rematch_days())
    if Mention.objects.filter(posted_at__gte=since).count() <= REMATCH_NOW_UP_TO:
        return topic_rematch(topic=topic)
    from analytics.tasks import topic_rematch_task

    topic_id = topic.pk
    transaction.on_commit(lambda: topic_rematch_task.delay(topic_id=topic_id))
    return None


def topic_rematch(*, topic: ListeningTopic, days: int | None = None) -> int:
    """Attach exactly the mentions of the last ``days`` days that match ``topic`` (in chunks of
    REMATCH_CHUNK mentions), then recompute its hours over that range. Returns how many match."""
    through = Mention.topics.through
    since = timezone.now() - timedelta(days=days or rematch_days())
    matcher = TopicMatcher.for_topic(topic)
    recent = Mention.objects.filter(posted_at__gte=since)
    matched: set[int] = set()
    for mention_id, text in recent.values_list("pk", "text").iterator(chunk_size=REMATCH_CHUNK):
        if matcher.matches(text):
            matched.add(mention_id)
    attached = set(
        through.objects.filter(listeningtopic_id=topic.pk, mention__posted_at__gte=since).values_list(
            "mention_id", flat=True
        )
    )
    gone = sorted(attached - matched)
    for start in range(0, len(gone), REMATCH_CHUNK):
        through.objects.filter(listeningtopic_id=topic.pk, mention_id__in=gone[start : start + REMATCH_CHUNK]).delete()
    through.objects.bulk_create(
        [through(listeningtopic_id=topic.pk, mention_id=pk) for pk in sorted(matched - attached)],
        batch_size=REMATCH_CHUNK,
        ignore_conflicts=True,
    )
    topic_hours_recompute(topic_ids=[topic.pk], since=since, until=timezone.now() + timedelta(hours=1))
    return len(matched)


# --- mentions in --------------------------------------------------------------------------------


@dataclass
class MentionRow:
    number: int
    data: dict[str, Any]
    errors: list[str] = field(default_factory=list)
    status: str = ""  # created · duplicate · (empty: not stored)
    mention_id: int | None = None


@dataclass
class MentionIngestReport:
    rows: list[MentionRow]
    mode: str = "all_or_nothing"
    created: int = 0
    duplicates: int = 0
    matched: int = 0
    touched: dict[int, list[str]] = field(default_factory=dict)  # topic id → [first hour, last hour] (ISO)

    @property
    def bad_rows(self) -> list[MentionRow]:
        return [row for row in self.rows if row.errors]


_url = URLValidator(schemes=["http", "https"])


def parse_moment(value) -> datetime:
    if isinstance(value, datetime):
        moment = value
    else:
        text = str(value or "").strip()
        if not text:
            raise ValueError("Give the time it was posted (posted_at).")
        moment = parse_datetime(text.replace("Z", "+00:00") if text.endswith("Z") else text)
        if moment is None:
            raise ValueError(f"“{text}” is not a time like 2026-11-20T09:30:00Z.")
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


def _check_row(row: MentionRow, now: datetime) -> tuple | None:
    data = row.data
    values = {name: str(data.get(name) or "").strip() for name in ("source", "external_id", "author", "url")}
    text = str(data.get("text") or "").strip()
    for name, label, limit in (("source", "source", 60), ("external_id", "external_id", 200)):
        if not values[name]:
            row.errors.append(f"The {label} is empty.")
        elif len(values[name]) > limit:
            row.errors.append(f"The {label} is longer than {limit} characters.")
    if len(values["author"]) > 200:
        row.errors.append("The author is longer than 200 characters.")
    if not text:
        row.errors.append("The text is empty.")
    elif len(text) > MAX_TEXT:
        row.errors.append(f"The text is longer than {MAX_TEXT} characters.")
    if values["url"]:
        try:
            _url(values["url"])
            if len(values["url"]) > 500:
                raise ValidationError("long")
        except ValidationError:
            row.errors.append(f"“{values['url'][:80]}” is not a web address (http or https, at most 500 characters).")
    posted_at = None
    try:
        posted_at = parse_moment(data.get("posted_at"))
        if posted_at > now + timedelta(hours=1):
            row.errors.append("The time it was posted is in the future.")
    except ValueError as error:
        row.errors.append(str(error))
    if row.errors:
        return None
    return values["source"], values["external_id"], values["author"], text, values["url"], posted_at


def _hour(moment: datetime) -> datetime:
    return moment.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


@transaction.atomic
def mentions_ingest(
    *, actor, rows: Iterable[Mapping[str, Any]], source: str = "api", mode: str = "all_or_nothing"
) -> MentionIngestReport:
    """Store mentions (CoE staff, or an integration signed in as one). Every row is checked first
    (source, external_id, text and posted_at are required; url must be a web address); in
    ``all_or_nothing`` mode one bad row stores nothing, in ``good_rows`` mode the good rows are
    stored and the others reported. A mention already stored (same source and external_id) is
    counted as a duplicate and left as it is. New mentions get their sentiment and their topics;
    the topic-hours they touched are recomputed, and spikes detected, by listening_process_task
    after the commit. ``source`` says how they came (api, csv) for the audit trail."""
    _require_manage(actor)
    if mode not in {"all_or_nothing", "good_rows"}:
        raise _invalid("Choose all_or_nothing or good_rows.", "mode")
    report = MentionIngestReport(rows=[MentionRow(number=i + 1, data=dict(r)) for i, r in enumerate(rows)], mode=mode)
    if len(report.rows) > MAX_INGEST_ROWS:
        raise _invalid(f"At most {MAX_INGEST_ROWS} mentions at a time; this has {len(report.rows)}.")
    now = timezone.now()
    checked: dict[tuple[str, str], tuple[MentionRow, tuple]] = {}
    for row in report.rows:
        values = _check_row(row, now)
        if values is None:
            continue
        key = (values[0], values[1])
        if key in checked:
            row.status = "duplicate"
            report.duplicates += 1
            continue
        checked[key] = (row, values)
    if mode == "all_or_nothing" and report.bad_rows:
        for row in report.rows:
            row.status = ""
        report.duplicates = 0
        return report

    existing = _mention_ids(list(checked))
    new = []
    for key, (row, values) in checked.items():
        if key in existing:
            row.status, row.mention_id = "duplicate", existing[key]
            report.duplicates += 1
            continue
        src, external_id, author, text, url, posted_at = values
        new.append(
            Mention(
                source=src,
                external_id=external_id,
                author=author,
                text=text,
                url=url,
                posted_at=posted_at,
                sentiment=sentiment_of(text),
                received_at=now,
            )
        )
    Mention.objects.bulk_create(new, batch_size=1000, ignore_conflicts=True)
    stored = _mention_ids([(m.source, m.external_id) for m in new])
    matchers = active_matchers()
    through = Mention.topics.through
    links = []
    hours: dict[int, list[datetime]] = defaultdict(list)
    for mention in new:
        row = checked[(mention.source, mention.external_id)][0]
        row.status, row.mention_id = "created", stored.get((mention.source, mention.external_id))
        report.created += 1
        hit = False
        for matcher in matchers:
            if matcher.matches(mention.text):
                links.append(through(mention_id=row.mention_id, listeningtopic_id=matcher.topic_id))
                hours[matcher.topic_id].append(_hour(mention.posted_at))
                hit = True
        report.matched += hit
    through.objects.bulk_create(links, batch_size=2000, ignore_conflicts=True)
    report.touched = {
        topic_id: [min(moments).isoformat(), max(moments).isoformat()] for topic_id, moments in hours.items()
    }
    if report.created:
        audit(
            actor=actor,
            action="mentions.ingested",
            summary=f"{report.created} mention(s) received ({source}); {report.matched} match a topic.",
            data={"source": source, "created": report.created, "duplicates": report.duplicates},
        )
    if report.touched:
        from analytics.tasks import listening_process_task

        touched = report.touched
        transaction.on_commit(lambda: listening_process_task.delay(touched=touched))
    return report


def _mention_ids(keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], int]:
    """The ids of stored mentions by (source, external_id), in chunks."""
    found: dict[tuple[str, str], int] = {}
    by_source: dict[str, list[str]] = defaultdict(list)
    for src, external_id in keys:
        by_source[src].append(external_id)
    for src, ids in by_source.items():
        for start in range(0, len(ids), 1000):
            for pk, external_id in Mention.objects.filter(
                source=src, external_id__in=ids[start : start + 1000]
            ).values_list("pk", "external_id"):
                found[(src, external_id)] = pk
    return found


def mentions_import_csv(*, actor, file, mode: str = "all_or_nothing") -> MentionIngestReport:
    """Mentions from a CSV file (columns: source, external_id, author, text, url, posted_at), with a
    report of every bad row; see mentions_ingest for the rules. Row numbers are the file's lines."""
    _require_manage(actor)
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [(name or "").strip().lower() for name in reader.fieldnames or []]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise DomainError(
            f"The first row must name the columns; missing: {', '.join(missing)}. "
            f"Expected: {', '.join(MENTION_COLUMNS)}."
        )
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items() if k} for row in reader]
    if not rows:
        raise DomainError("The file has no rows below the header.")
    report = mentions_ingest(actor=actor, rows=rows, source="csv", mode=mode)
    for row in report.rows:
        row.number += 1  # the header is line 1
    return report


# --- topic-hours --------------------------------------------------------------------------------


def _bucket_sql(column: str) -> str:
    if connection.vendor == "postgresql":
        return f"date_trunc('hour', {column})"
    return f"strftime('%%Y-%%m-%%d %%H:00:00', {column})"


def topic_hours_recompute(*, topic_ids: Sequence[int] | None = None, since: datetime, until: datetime) -> int:
    """Recompute the topic-hours from ``since``'s hour up to ``until`` (exclusive, rounded up to
    the hour) in two set-based statements: an upsert of every (topic, hour) that has mentions, and
    a delete of the hours in range that have none any more. Running it twice changes nothing.
    Returns how many (topic, hour) rows have mentions."""
    start = _hour(since)
    end = _hour(until) + (timedelta(hours=1) if until != _hour(until) else timedelta(0))
    ops = connection.ops
    params: list[Any] = [ops.adapt_datetimefield_value(start), ops.adapt_datetimefield_value(end)]
    topic_filter = ""
    if topic_ids is not None:
        ids = [int(pk) for pk in topic_ids]
        if not ids:
            return 0
        topic_filter = f" AND mt.listeningtopic_id IN ({', '.join(['%s'] * len(ids))})"
        params += ids
    bucket = _bucket_sql("m.posted_at")
    source = (
        "FROM analytics_mention_topics mt JOIN analytics_mention m ON m.id = mt.mention_id "
        f"WHERE m.posted_at >= %s AND m.posted_at < %s{topic_filter}"
    )
    upsert = (
        "INSERT INTO analytics_topichour (topic_id, hour, volume, sentiment_avg, negative) "
        f"SELECT mt.listeningtopic_id, {bucket}, COUNT(*), AVG(m.sentiment), "
        f"SUM(CASE WHEN m.sentiment <= {NEGATIVE_AT} THEN 1 ELSE 0 END) "
        f"{source} GROUP BY mt.listeningtopic_id, {bucket} "
        "ON CONFLICT (topic_id, hour) DO UPDATE SET volume = EXCLUDED.volume, "
        "sentiment_avg = EXCLUDED.sentiment_avg, negative = EXCLUDED.negative"
    )
    hour_filter = topic_filter.replace("mt.listeningtopic_id", "topic_id")
    # Only the bucket expression and "%s" placeholders are formatted in; values are parameters.
    stale = (
        f"DELETE FROM analytics_topichour WHERE hour >= %s AND hour < %s{hour_filter} AND NOT EXISTS ("  # noqa: S608
        "SELECT 1 FROM analytics_mention_topics mt JOIN analytics_mention m ON m.id = mt.mention_id "
        "WHERE mt.listeningtopic_id = analytics_topichour.topic_id AND m.posted_at >= %s AND m.posted_at < %s "
        f"AND {bucket} = analytics_topichour.hour)"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(upsert, params)
        count = cursor.rowcount
        cursor.execute(stale, [*params, params[0], params[1]])
    return max(count, 0)


# --- spikes and alerts --------------------------------------------------------------------------


@dataclass(frozen=True)
class HourCheck:
    """What detection saw for one topic and hour."""

    volume: int
    sentiment: float
    mean: float
    spread: float
    z: float
    baseline_volume: int
    baseline_sentiment: float | None


def hour_check(*, volume: int, sentiment: float, baseline: Sequence[tuple[int, float]], hours: int) -> HourCheck:
    """The z-score of ``volume`` against ``hours`` baseline hours (``baseline`` lists the hours that
    had mentions, as (volume, average sentiment); the others count as zero), and the baseline's
    mention-weighted average sentiment."""
    total = sum(v for v, _ in baseline)
    mean = total / hours
    variance = (sum(v * v for v, _ in baseline) / hours) - mean * mean
    spread = max(math.sqrt(max(variance, 0.0)), math.sqrt(mean), 1.0)
    sentiment_base = sum(v * s for v, s in baseline) / total if total else None
    return HourCheck(
        volume=volume,
        sentiment=sentiment,
        mean=mean,
        spread=spread,
        z=(volume - mean) / spread,
        baseline_volume=total,
        baseline_sentiment=sentiment_base,
    )


def _coe_staff() -> list:
    groups = [Role.COE_MANAGER.group_name, Role.COE_MEMBER.group_name]
    return list(User.objects.filter(is_active=True, groups__name__in=groups).distinct())


def alerts_detect(*, topic_ids: Sequence[int] | None = None, now: datetime | None = None) -> list[ListeningAlert]:
    """Look for spikes in the latest DETECT_HOURS complete hours of every active topic (see the
    module for the rules); raise the new alerts and tell the CoE. Returns the new alerts only."""
    now = now or timezone.now()
    last = _hour(now) - timedelta(hours=1)
    topics = ListeningTopic.objects.filter(is_active=True)
    if topic_ids is not None:
        topics = topics.filter(pk__in=list(topic_ids))
    topics = list(topics)
    if not topics:
        return []
    first_checked = last - timedelta(hours=DETECT_HOURS - 1)
    earliest = first_checked - timedelta(hours=max(t.baseline_hours for t in topics))
    series: dict[int, dict[datetime, tuple[int, float]]] = defaultdict(dict)
    for topic_id, hour, volume, sentiment in TopicHour.objects.filter(
        topic__in=topics, hour__gte=earliest, hour__lte=last
    ).values_list("topic_id", "hour", "volume", "sentiment_avg"):
        series[topic_id][hour] = (volume, sentiment)

    candidates: list[ListeningAlert] = []
    for topic in topics:
        hours = series[topic.pk]
        for step in range(DETECT_HOURS):
            hour = first_checked + timedelta(hours=step)
            volume, sentiment = hours.get(hour, (0, 0.0))
            if volume < MIN_ALERT_VOLUME:
                continue
            window_start = hour - timedelta(hours=topic.baseline_hours)
            baseline = [value for moment, value in hours.items() if window_start <= moment < hour]
            check = hour_check(volume=volume, sentiment=sentiment, baseline=baseline, hours=topic.baseline_hours)
            if check.z >= float(topic.spike_z):
                candidates.append(
                    ListeningAlert(
                        topic=topic,
                        kind=ListeningAlert.Kind.VOLUME_SPIKE,
                        hour=hour,
                        volume=volume,
                        baseline=round(check.mean, 3),
                        score=round(check.z, 2),
                    )
                )
            if check.baseline_sentiment is not None and check.baseline_volume >= MIN_ALERT_VOLUME:
                drop = check.baseline_sentiment - sentiment
                if drop >= float(topic.negative_turn):
                    candidates.append(
                        ListeningAlert(
                            topic=topic,
                            kind=ListeningAlert.Kind.NEGATIVE_TURN,
                            hour=hour,
                            volume=volume,
                            baseline=round(check.baseline_sentiment, 3),
                            score=round(drop, 3),
                        )
                    )
    return _raise_alerts(candidates)


def _raise_alerts(candidates: list[ListeningAlert]) -> list[ListeningAlert]:
    if not candidates:
        return []
    existing = set(
        ListeningAlert.objects.filter(
            topic__in={a.topic_id for a in candidates}, hour__in={a.hour for a in candidates}
        ).values_list("topic_id", "kind", "hour")
    )
    raised = []
    for alert in candidates:
        if (alert.topic_id, alert.kind, alert.hour) in existing:
            continue
        try:
            with transaction.atomic():
                alert.save()
        except IntegrityError:  # raised meanwhile by another run
            continue
        raised.append(alert)
    if raised:
        staff = _coe_staff()
        url = reverse("analytics:listening")
        for alert in raised:
            coe_services.notify(
                recipients=staff,
                kind="listening_alert",
                title=f"Listening: {alert_summary(alert)}",
                body=alert_explanation(alert) + "\n\nDismiss it, or declare a crisis incident from it.",
                url=url,
            )
    return raised


def alert_summary(alert: ListeningAlert) -> str:
    when = timezone.localtime(alert.hour).strftime("%Y-%m-%d %H:00")
    return f"{alert.get_kind_display().lower()} on “{alert.topic}” at {when}"


def alert_explanation(alert: ListeningAlert) -> str:
    if alert.kind == ListeningAlert.Kind.VOLUME_SPIKE:
        return (
            f"{alert.volume} mentions of “{alert.topic}” in one hour, against {alert.baseline:.1f} an hour usually "
            f"(z = {alert.score:.1f})."
        )
    return (
        f"The {alert.volume} mentions of “{alert.topic}” in one hour average {alert.baseline - alert.score:+.2f} "
        f"sentiment, against {alert.baseline:+.2f} usually (a drop of {alert.score:.2f})."
    )


def _locked_alert(alert: ListeningAlert) -> ListeningAlert:
    return ListeningAlert.objects.select_for_update().select_related("topic").get(pk=alert.pk)


@transaction.atomic
def alert_dismiss(*, actor, alert: ListeningAlert) -> ListeningAlert:
    """Dismiss an open alert (CoE staff): nothing more is done about it."""
    _require_manage(actor)
    alert = _locked_alert(alert)
    if alert.status != ListeningAlert.Status.OPEN:
        raise Conflict(f"This alert is already {alert.get_status_display().lower()}.")
    alert.status = ListeningAlert.Status.DISMISSED
    alert.handled_by, alert.handled_at = actor, timezone.now()
    alert.save(update_fields=["status", "handled_by", "handled_at"])
    audit(
        actor=actor, action="listening_alert.dismissed", obj=alert, summary=f"Alert dismissed: {alert_summary(alert)}."
    )
    return alert


def alert_incident_defaults(alert: ListeningAlert) -> dict[str, Any]:
    """What a crisis incident declared from this alert starts with (a person edits it)."""
    from governance.models import Severity

    negative = alert.kind == ListeningAlert.Kind.NEGATIVE_TURN
    return {
        "title": f"Social listening: {alert.topic} — {alert.get_kind_display().lower()}"[:200],
        "severity": Severity.HIGH if negative else Severity.MEDIUM,
        "first_statement": (
            f"We are aware of what people are saying about {alert.topic} and we are looking into it. "
            "We will share an update here by [time]."
        ),
        "all_channels": True,
    }


@transaction.atomic
def alert_open_incident(
    *,
    actor,
    alert: ListeningAlert,
    title: str | None = None,
    severity: str | None = None,
    first_statement: str | None = None,
    plan=None,
    scenario=None,
    all_channels: bool = True,
    channels: Sequence = (),
):
    """Declare a governance crisis incident from an alert (CoE staff who may declare: the CoE
    manager or a plan's spokesperson) — publishing freezes as for any incident — and link it. An
    alert leads to one incident at most; a dismissed alert may still be escalated."""
    from governance.services.crisis import incident_declare

    _require_manage(actor)
    alert = _locked_alert(alert)
    if alert.status == ListeningAlert.Status.INCIDENT:
        raise Conflict("A crisis incident was already declared from this alert.")
    defaults = alert_incident_defaults(alert)
    incident = incident_declare(
        actor=actor,
        title=title if title is not None else defaults["title"],
        severity=severity if severity is not None else defaults["severity"],
        first_statement=first_statement if first_statement is not None else defaults["first_statement"],
        plan=plan,
        scenario=scenario,
        all_channels=all_channels,
        channels=channels,
    )
    alert.status, alert.incident = ListeningAlert.Status.INCIDENT, incident
    alert.handled_by, alert.handled_at = actor, timezone.now()
    alert.save(update_fields=["status", "incident", "handled_by", "handled_at"])
    audit(
        actor=actor,
        action="listening_alert.escalated",
        obj=alert,
        summary=f"Crisis incident “{incident}” declared from the alert: {alert_summary(alert)}.",
        data={"incident": incident.pk},
    )
    return incident


# --- the periodic run ---------------------------------------------------------------------------


def listening_process(*, touched: Mapping[str, Sequence[str]] | None = None, now: datetime | None = None) -> dict:
    """Recompute the topic-hours that ingestion touched (``touched``: topic id → [first hour,
    last hour], ISO), or else the last two hours of every active topic, then detect spikes."""
    now = now or timezone.now()
    recomputed = 0
    if touched:
        for topic_id, (first, last) in touched.items():
            recomputed += topic_hours_recompute(
                topic_ids=[int(topic_id)],
                since=parse_moment(first),
                until=parse_moment(last) + timedelta(hours=1),
            )
    else:
        recomputed = topic_hours_recompute(
            topic_ids=list(ListeningTopic.objects.filter(is_active=True).values_list("pk", flat=True)),
            since=now - timedelta(hours=2),
            until=now + timedelta(hours=1),
        )
    alerts = alerts_detect(now=now)
    return {"hours": recomputed, "alerts": len(alerts)}
