"""Metrics in: snapshots from the bulk API, CSV uploads and the channel adapters' fetch.

Rules kept here:
- A row names a publication (its channel is the publication's; when a channel is named too it
  must match) or only a channel (then it is the account's followers snapshot and ``followers`` is
  required). The publication must be published. ``captured_at`` is an ISO 8601 time with a zone,
  not in the future. Counters are non-negative integers (missing means 0); ``conversion_value``
  a non-negative amount with at most two decimals.
- The same snapshot twice (same publication, or same channel for followers, at the same
  ``captured_at``) is stored once: the second is counted as a duplicate, not an error.
- Every day a new snapshot changes is marked dirty for its channel in the same statement (the
  snapshot's own day, the day of the publication's next snapshot — whose delta changed — and, for
  followers, the days up to the channel's next followers snapshot), and the rollup sweep is
  enqueued after commit.
- ``all_or_nothing``: any bad row stores nothing; otherwise the good rows are stored and the bad
  ones reported (index, column, reason).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone

from analytics.models import METRIC_FIELDS, DirtyDay, MetricSnapshot
from coe.audit import audit
from publishing.models import Channel, Publication

# Rows stored per statement (and the most the bulk API takes in one request).
BATCH_SIZE = 5000
MAX_VALUE = 10**15
MAX_CONVERSION_VALUE = Decimal("999999999999.99")

# The CSV columns, in order (the template's header and the import's documentation).
CSV_COLUMNS = (
    ("publication_id", "The publication (a post on one channel); empty for a channel's followers row."),
    ("channel_id", "The channel; optional when publication_id is given (it must then match)."),
    ("captured_at", "When the network reported the counts: ISO 8601 with a zone, e.g. 2026-03-02T09:00:00Z."),
    ("impressions", "Cumulative count so far: a whole number, 0 or more (empty = 0)."),
    ("reach", ""),
    ("likes", ""),
    ("comments", ""),
    ("shares", ""),
    ("clicks", ""),
    ("video_views", ""),
    ("conversions", ""),
    ("conversion_value", "Cumulative value of the conversions, e.g. 1250.00 (empty = 0)."),
    ("followers", "The account's followers (channel rows only; required there)."),
)
CSV_HEADER = tuple(name for name, _ in CSV_COLUMNS)


@dataclass(frozen=True)
class RowError:
    index: int  # 0-based position in the rows given
    column: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"index": self.index, "column": self.column, "reason": self.reason}


@dataclass
class CleanRow:
    channel_id: int
    publication_id: int | None
    captured_at: datetime
    values: dict[str, int]
    conversion_value: Decimal
    followers: int | None


@dataclass
class IngestReport:
    received: int = 0
    created: int = 0
    duplicates: int = 0
    errors: list[RowError] = field(default_factory=list)
    stored: bool = True  # False when all-or-nothing refused the batch

    @property
    def rejected(self) -> int:
        return len({error.index for error in self.errors})

    def add(self, other: IngestReport) -> None:
        self.received += other.received
        self.created += other.created
        self.duplicates += other.duplicates
        self.errors.extend(other.errors)

    def as_dict(self) -> dict[str, Any]:
        return {
            "received": self.received,
            "created": self.created,
            "duplicates": self.duplicates,
            "rejected": self.rejected,
            "stored": self.stored,
            "errors": [error.as_dict() for error in self.errors],
        }


# --- validation ---------------------------------------------------------------------------------


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _int_id(value: Any) -> int | None:
    if _blank(value):
        return None
    if isinstance(value, bool):
        raise ValueError
    number = int(str(value).strip()) if not isinstance(value, int) else value
    if number <= 0:
        raise ValueError
    return number


def _parse_time(value: Any) -> datetime:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).strip())
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError("no time zone")
    return moment.astimezone(UTC)


def _counter(value: Any) -> int:
    if _blank(value):
        return 0
    if isinstance(value, bool) or isinstance(value, float) and not value.is_integer():
        raise ValueError
    number = int(value) if isinstance(value, int | float) else int(str(value).strip())
    if number < 0 or number > MAX_VALUE:
        raise ValueError
    return number


def _amount(value: Any) -> Decimal:
    if _blank(value):
        return Decimal(0)
    if isinstance(value, bool):
        raise ValueError
    amount = Decimal(str(value).strip())
    if not amount.is_finite() or amount < 0 or amount > MAX_CONVERSION_VALUE or amount.as_tuple().exponent < -2:
        raise ValueError
    return amount


def _get(row: Mapping[str, Any], name: str) -> Any:
    """``publication_id`` or ``publication`` (likewise channel): both spellings are accepted."""
    if name in row:
        return row[name]
    if name.endswith("_id"):
        return row.get(name[:-3])
    return None


def snapshots_validate(rows: Sequence[Mapping[str, Any]], *, offset: int = 0) -> tuple[list[CleanRow], list[RowError]]:
    """Check every row (one query for the publications named); returns the clean rows and the
    errors (index = offset + position)."""
    errors: list[RowError] = []
    parsed: list[tuple[int, dict[str, Any]]] = []
    publication_ids: set[int] = set()
    channel_ids: set[int] = set()
    latest = timezone.now() + timedelta(minutes=5)
    for position, row in enumerate(rows):
        index = offset + position
        if not isinstance(row, Mapping):
            errors.append(RowError(index, "", "Each row must be an object with named columns."))
            continue
        row_errors: list[RowError] = []
        item: dict[str, Any] = {}
        for name in ("publication_id", "channel_id"):
            try:
                item[name] = _int_id(_get(row, name))
            except (TypeError, ValueError):
                row_errors.append(RowError(index, name, "Must be the number of an existing record."))
        raw_time = row.get("captured_at")
        if _blank(raw_time):
            row_errors.append(RowError(index, "captured_at", "Is required."))
        else:
            try:
                item["captured_at"] = _parse_time(raw_time)
            except (TypeError, ValueError):
                row_errors.append(
                    RowError(index, "captured_at", "Must be an ISO 8601 time with a zone, e.g. 2026-03-02T09:00:00Z.")
                )
            else:
                if item["captured_at"] > latest:
                    row_errors.append(RowError(index, "captured_at", "Is in the future."))
        values = {}
        for name in METRIC_FIELDS:
            try:
                values[name] = _counter(row.get(name))
            except (TypeError, ValueError):
                row_errors.append(RowError(index, name, "Must be a whole number, 0 or more."))
        item["values"] = values
        try:
            item["conversion_value"] = _amount(row.get("conversion_value"))
        except (TypeError, ValueError, InvalidOperation):
            row_errors.append(RowError(index, "conversion_value", "Must be an amount ≥ 0 with at most two decimals."))
        try:
            item["followers"] = None if _blank(row.get("followers")) else _counter(row.get("followers"))
        except (TypeError, ValueError):
            row_errors.append(RowError(index, "followers", "Must be a whole number, 0 or more."))
        if not row_errors:
            if item["publication_id"] is None and item["channel_id"] is None:
                row_errors.append(RowError(index, "publication_id", "Name a publication, or a channel for followers."))
            elif item["publication_id"] is None and item["followers"] is None:
                row_errors.append(RowError(index, "followers", "A channel row (no publication) needs followers."))
        if row_errors:
            errors.extend(row_errors)
            continue
        if item["publication_id"]:
            publication_ids.add(item["publication_id"])
        else:
            channel_ids.add(item["channel_id"])
        parsed.append((index, item))
    publications = {
        pk: (channel, status)
        for pk, channel, status in Publication.objects.filter(pk__in=publication_ids).values_list(
            "pk", "channel_id", "status"
        )
    }
    channels = set(Channel.objects.filter(pk__in=channel_ids).values_list("pk", flat=True)) if channel_ids else set()
    clean: list[CleanRow] = []
    for index, item in parsed:
        publication_id = item["publication_id"]
        channel_id = item["channel_id"]
        if publication_id:
            found = publications.get(publication_id)
            if found is None:
                errors.append(RowError(index, "publication_id", f"No publication {publication_id}."))
                continue
            if found[1] != Publication.Status.PUBLISHED:
                errors.append(RowError(index, "publication_id", f"Publication {publication_id} is not published."))
                continue
            if channel_id is not None and channel_id != found[0]:
                reason = f"Publication {publication_id} is on channel {found[0]}, not {channel_id}."
                errors.append(RowError(index, "channel_id", reason))
                continue
            channel_id = found[0]
        elif channel_id not in channels:
            errors.append(RowError(index, "channel_id", f"No channel {channel_id}."))
            continue
        clean.append(
            CleanRow(
                channel_id=channel_id,
                publication_id=publication_id,
                captured_at=item["captured_at"],
                values=item["values"],
                conversion_value=item["conversion_value"],
                followers=item["followers"],
            )
        )
    return clean, errors


# --- storing --------------------------------------------------------------------------------------

_COLUMNS = ("channel_id", "publication_id", "captured_at", *METRIC_FIELDS, "conversion_value", "followers")

_PG_INSERT = f"""
WITH new AS (
    INSERT INTO analytics_metricsnapshot ({", ".join(_COLUMNS)}, source, received_at)
    SELECT {", ".join(_COLUMNS)}, %(source)s, %(now)s FROM unnest(
        %(channel_id)s::bigint[], %(publication_id)s::bigint[], %(captured_at)s::timestamptz[],
        {", ".join(f"%({name})s::bigint[]" for name in METRIC_FIELDS)},
        %(conversion_value)s::numeric[], %(followers)s::bigint[]
    ) AS r({", ".join(_COLUMNS)})
    ON CONFLICT DO NOTHING
    RETURNING publication_id, channel_id, captured_at, followers
),
marks AS (
    SELECT (n.captured_at AT TIME ZONE 'UTC')::date AS day, n.channel_id FROM new n
    UNION
    SELECT (nx.captured_at AT TIME ZONE 'UTC')::date, nx.channel_id
    FROM new n CROSS JOIN LATERAL (
        SELECT s.captured_at, s.channel_id FROM analytics_metricsnapshot s
        WHERE s.publication_id = n.publication_id AND s.captured_at > n.captured_at
        ORDER BY s.captured_at LIMIT 1
    ) nx
    WHERE n.publication_id IS NOT NULL
    UNION
    SELECT gs::date, n.channel_id
    FROM new n CROSS JOIN LATERAL (
        SELECT MIN(s.captured_at) AS next_at FROM analytics_metricsnapshot s
        WHERE s.channel_id = n.channel_id AND s.publication_id IS NULL AND s.followers IS NOT NULL
          AND s.captured_at > n.captured_at
    ) nf CROSS JOIN LATERAL generate_series(
        (n.captured_at AT TIME ZONE 'UTC')::date,
        LEAST(COALESCE((nf.next_at AT TIME ZONE 'UTC')::date - 1, %(today)s::date),
              (n.captured_at AT TIME ZONE 'UTC')::date + 400),
        interval '1 day'
    ) gs
    WHERE n.publication_id IS NULL AND n.followers IS NOT NULL
),
dirty AS (
    INSERT INTO analytics_dirtyday (day, channel_id, marked_at)
    SELECT day, channel_id, %(now)s FROM marks
    ON CONFLICT DO NOTHING
)
SELECT COUNT(*) FROM new
"""  # noqa: S608 - column names only


def _store_postgres(rows: list[CleanRow], source: str) -> int:
    now = timezone.now()
    params: dict[str, Any] = {
        "source": source,
        "now": now,
        "today": now.date(),
        "channel_id": [row.channel_id for row in rows],
        "publication_id": [row.publication_id for row in rows],
        "captured_at": [row.captured_at for row in rows],
        "conversion_value": [row.conversion_value for row in rows],
        "followers": [row.followers for row in rows],
    }
    for name in METRIC_FIELDS:
        params[name] = [row.values[name] for row in rows]
    with connection.cursor() as cursor:
        cursor.execute(_PG_INSERT, params)
        return cursor.fetchone()[0]


def _store_portable(rows: list[CleanRow], source: str) -> int:
    """SQLite (``make run``): skip keys already stored, insert the rest, mark days in Python."""
    pub_keys = {(row.publication_id, row.captured_at) for row in rows if row.publication_id}
    chan_keys = {(row.channel_id, row.captured_at) for row in rows if not row.publication_id}
    existing_pub = set(
        MetricSnapshot.objects.filter(
            publication_id__in={key[0] for key in pub_keys}, captured_at__in={key[1] for key in pub_keys}
        ).values_list("publication_id", "captured_at")
    )
    existing_chan = set(
        MetricSnapshot.objects.filter(
            publication__isnull=True,
            channel_id__in={key[0] for key in chan_keys},
            captured_at__in={key[1] for key in chan_keys},
        ).values_list("channel_id", "captured_at")
    )
    seen: set[tuple] = set()
    new: list[CleanRow] = []
    for row in rows:
        key = (
            ("p", row.publication_id, row.captured_at) if row.publication_id else ("c", row.channel_id, row.captured_at)
        )
        if key in seen or key[1:] in (existing_pub if row.publication_id else existing_chan):
            continue
        seen.add(key)
        new.append(row)
    marks: set[tuple] = set()
    today = timezone.now().date()
    for row in new:
        day = row.captured_at.date()
        marks.add((day, row.channel_id))
        if row.publication_id:
            following = (
                MetricSnapshot.objects.filter(publication_id=row.publication_id, captured_at__gt=row.captured_at)
                .order_by("captured_at")
                .values_list("captured_at", flat=True)
                .first()
            )
            if following is not None:
                marks.add((following.astimezone(UTC).date(), row.channel_id))
        else:
            following = (
                MetricSnapshot.objects.filter(
                    channel_id=row.channel_id,
                    publication__isnull=True,
                    followers__isnull=False,
                    captured_at__gt=row.captured_at,
                )
                .order_by("captured_at")
                .values_list("captured_at", flat=True)
                .first()
            )
            last = following.astimezone(UTC).date() - timedelta(days=1) if following else today
            last = min(last, day + timedelta(days=400))
            while day <= last:
                marks.add((day, row.channel_id))
                day += timedelta(days=1)
    now = timezone.now()
    MetricSnapshot.objects.bulk_create(
        [
            MetricSnapshot(
                channel_id=row.channel_id,
                publication_id=row.publication_id,
                captured_at=row.captured_at,
                conversion_value=row.conversion_value,
                followers=row.followers,
                source=source,
                received_at=now,
                **row.values,
            )
            for row in new
        ],
        batch_size=500,
        ignore_conflicts=True,
    )
    DirtyDay.objects.bulk_create(
        [DirtyDay(day=day, channel_id=channel) for day, channel in marks], batch_size=500, ignore_conflicts=True
    )
    return len(new)


def _store(rows: list[CleanRow], source: str) -> int:
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        return _store_postgres(rows, source)
    return _store_portable(rows, source)


def _enqueue_rollups() -> None:
    from analytics.tasks import rollups_recompute_dirty_task

    transaction.on_commit(rollups_recompute_dirty_task.delay)


@transaction.atomic
def snapshots_ingest(
    *, actor, rows: Iterable[Mapping[str, Any]], source: str, all_or_nothing: bool = False, offset: int = 0
) -> IngestReport:
    """Validate and store snapshots (see the module's rules). Duplicates are stored once; every
    touched day is marked dirty and the rollup sweep enqueued after commit."""
    rows = list(rows)
    report = IngestReport(received=len(rows))
    clean: list[CleanRow] = []
    for start in range(0, len(rows), BATCH_SIZE):
        good, errors = snapshots_validate(rows[start : start + BATCH_SIZE], offset=offset + start)
        clean.extend(good)
        report.errors.extend(errors)
    if report.errors and all_or_nothing:
        report.stored = False
        return report
    for start in range(0, len(clean), BATCH_SIZE):
        report.created += _store(clean[start : start + BATCH_SIZE], source)
    report.duplicates = len(clean) - report.created
    if report.created:
        _enqueue_rollups()
    if actor is not None and report.created:
        audit(
            actor=actor,
            action="metrics.ingested",
            summary=f"Stored {report.created} metric snapshots ({source}); {report.duplicates} duplicates, "
            f"{report.rejected} rejected.",
            data={"source": source, "created": report.created, "duplicates": report.duplicates},
        )
    return report


# --- CSV ----------------------------------------------------------------------------------------


class CsvError(ValueError):
    """The file itself cannot be read (not CSV, wrong header)."""


def csv_rows(text: str) -> Iterator[dict[str, str]]:
    """The file's rows as dicts; checks the header first (unknown or missing columns)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [name.strip() for name in (reader.fieldnames or [])]
    if not header:
        raise CsvError("The file is empty.")
    unknown = [name for name in header if name not in CSV_HEADER]
    if unknown:
        raise CsvError(f"Unknown columns: {', '.join(unknown)}. Use the template's header.")
    if "captured_at" not in header:
        raise CsvError("The captured_at column is missing.")
    if "publication_id" not in header and "channel_id" not in header:
        raise CsvError("Name publication_id or channel_id in the header.")
    reader.fieldnames = header
    for row in reader:
        yield {key: (value or "") for key, value in row.items() if key is not None}


def csv_template() -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(CSV_HEADER)
    writer.writerow(["123", "", "2026-03-02T09:00:00Z", "1520", "1100", "48", "6", "9", "31", "0", "2", "180.00", ""])
    writer.writerow(["", "7", "2026-03-02T00:00:00Z", "", "", "", "", "", "", "", "", "", "10450"])
    return buffer.getvalue()


def line_of(index: int) -> int:
    """The file's line of a row (the header is line 1)."""
    return index + 2
