"""Rollups: cumulative snapshots turned into per-period deltas, summed per day, ISO week and month
for every channel, department, campaign and content theme — in set-based SQL, never row by row.

The rules (the reference implementation in tests/analytics/rollup_reference.py agrees):

- A publication's delta at a snapshot is its counter minus the counter of the publication's
  previous snapshot (ordered by ``captured_at``); the first snapshot's delta is its full value.
  A counter that goes down (a reset, a network's correction) counts from zero again: the delta is
  the new value itself. So deltas are never negative, and a late or out-of-order snapshot is fine:
  deltas are recomputed from the ordered series of every publication the range touches.
- Days are UTC days of ``captured_at``; weeks start on Monday (ISO); months on the 1st.
- A rollup row's department, campaign and theme are the publication's post's. ``posts`` counts the
  publications with any non-zero delta in the period (so a week's ``posts`` is not the sum of its
  days').
- Followers are a level, not a flow: they sit on the channel's own row (its department, no
  campaign, no theme), which exists for every period in which the channel has a followers snapshot
  or activity under that key; the value is the channel's last followers snapshot at or before the
  period's end (null if there is none).
- Recomputing a range writes the day rows of the range and the week and month rows of every week
  and month the range touches, and deletes rows of those periods that no longer have data.
  Running it twice gives the same rows.

Postgres: one statement computes every period (window LAG for the deltas, GROUPING SETS for day,
week and month) into a small temp table; INSERT … SELECT … ON CONFLICT ON CONSTRAINT … DO UPDATE
writes the rows that changed and one DELETE the rows that lost their data; an advisory lock keeps
one writer at a time. SQLite (``make run``): per-publication days in a temp table, each period
written after deleting the range (SQLite's unique indexes treat NULLs as distinct, so ON CONFLICT
cannot match the key). The tests hold both to the same plain-Python reference.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import UTC, date, datetime, timedelta

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from analytics.models import METRIC_FIELDS, DirtyDay, Period

Progress = Callable[[int, int], None]

# Days per transaction of a rebuild that reports progress (the callback is called after each).
# Without a callback the whole range is one pass: each chunk re-reads the series of the
# publications it touches, so fewer chunks are faster.
CHUNK_DAYS = 92
# Dirty days taken per run of the dirty sweep.
DIRTY_BATCH = 5000
_LOCK_KEY = 0x616E616C  # "anal": one rollup writer at a time on Postgres

VALUE_FIELDS = (*METRIC_FIELDS, "conversion_value")


def _vendor() -> str:
    return "postgresql" if connection.vendor == "postgresql" else "sqlite"


# --- SQL pieces per vendor --------------------------------------------------------------------

_SQL = {
    "postgresql": {
        "day_of": "(({col}) AT TIME ZONE 'UTC')::date",
        "week_of": "date_trunc('week', {col})::date",
        "month_of": "date_trunc('month', {col})::date",
        "end_of": {
            "day": "(({col}) + 1)::timestamp AT TIME ZONE 'UTC'",
            "week": "(({col}) + 7)::timestamp AT TIME ZONE 'UTC'",
            "month": "(({col}) + interval '1 month')::timestamp AT TIME ZONE 'UTC'",
        },
        "true": "TRUE",
        "temp": "CREATE TEMP TABLE analytics_pubdays ON COMMIT DROP AS ",
    },
    "sqlite": {
        "day_of": "date({col})",
        "week_of": "date({col}, '-6 days', 'weekday 1')",
        "month_of": "date({col}, 'start of month')",
        # captured_at is stored as 'YYYY-MM-DD HH:MM:SS…' in UTC: a bare date compares as its midnight.
        "end_of": {
            "day": "date({col}, '+1 day')",
            "week": "date({col}, '+7 days')",
            "month": "date({col}, '+1 month')",
        },
        "true": "1",
        "temp": "CREATE TEMP TABLE analytics_pubdays AS ",
    },
}


def _midnight(value: date):
    if _vendor() == "postgresql":
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    return value.isoformat()


def _day_param(value: date):
    return value if _vendor() == "postgresql" else value.isoformat()


def _channels_clause(channel_ids: Iterable[int] | None, column: str) -> str:
    if channel_ids is None:
        return ""
    ids = sorted({int(pk) for pk in channel_ids})
    if not ids:
        return " AND 1 = 0"
    return f" AND {column} IN ({', '.join(str(pk) for pk in ids)})"


def _build_pubdays(cursor, lo: date, hi: date, channel_ids) -> None:
    """A temp table of per-publication, per-day deltas for days lo..hi (plus a zero row per
    channel-day with a followers snapshot, so the channel's own row exists)."""
    sql = _SQL[_vendor()]
    day_of = sql["day_of"]
    channels_s = _channels_clause(channel_ids, "s.channel_id")
    channels_t = _channels_clause(channel_ids, "t.channel_id")
    channels_f = _channels_clause(channel_ids, "f.channel_id")
    deltas = ",\n".join(
        f"CASE WHEN s.{f} >= COALESCE(LAG(s.{f}) OVER w, 0) THEN s.{f} - COALESCE(LAG(s.{f}) OVER w, 0) "
        f"ELSE s.{f} END AS {f}"
        for f in VALUE_FIELDS
    )
    sums = ", ".join(f"SUM(d.{f}) AS {f}" for f in VALUE_FIELDS)
    active = " OR ".join(f"SUM(d.{f}) <> 0" for f in VALUE_FIELDS)
    zeros = ", ".join(f"0 AS {f}" for f in VALUE_FIELDS)
    cursor.execute("DROP TABLE IF EXISTS analytics_pubdays")
    query = f"""{sql["temp"]}
        WITH touched AS (
            SELECT DISTINCT t.publication_id FROM analytics_metricsnapshot t
            WHERE t.publication_id IS NOT NULL AND t.captured_at >= %(start)s AND t.captured_at < %(end)s{channels_t}
        ),
        deltas AS (
            SELECT s.publication_id, s.channel_id, s.captured_at,
            {deltas}
            FROM analytics_metricsnapshot s
            WHERE s.publication_id IN (SELECT publication_id FROM touched) AND s.captured_at < %(end)s{channels_s}
            WINDOW w AS (PARTITION BY s.publication_id ORDER BY s.captured_at)
        )
        SELECT {day_of.format(col="d.captured_at")} AS day, d.channel_id, d.publication_id,
               p.department_id, p.campaign_id, p.theme_id, {sums},
               CASE WHEN {active} THEN 1 ELSE 0 END AS active
        FROM deltas d
        JOIN publishing_publication pub ON pub.id = d.publication_id
        JOIN publishing_post p ON p.id = pub.post_id
        WHERE d.captured_at >= %(start)s
        GROUP BY 1, d.channel_id, d.publication_id, p.department_id, p.campaign_id, p.theme_id
        UNION ALL
        SELECT DISTINCT {day_of.format(col="f.captured_at")}, f.channel_id, CAST(NULL AS bigint), c.department_id,
               CAST(NULL AS bigint), CAST(NULL AS bigint),
               {zeros}, 0
        FROM analytics_metricsnapshot f JOIN publishing_channel c ON c.id = f.channel_id
        WHERE f.publication_id IS NULL AND f.followers IS NOT NULL
          AND f.captured_at >= %(start)s AND f.captured_at < %(end)s{channels_f}
        """  # noqa: S608 - only column names and validated integer ids are formatted in
    cursor.execute(query, {"start": _midnight(lo), "end": _midnight(hi + timedelta(days=1))})


def _write_period(cursor, period: str, lo: date, hi: date, channel_ids, stamp) -> None:
    """Rows of ``period`` whose start is in lo..hi, from the temp table (which covers them)."""
    vendor = _vendor()
    sql = _SQL[vendor]
    start_of = {
        "day": "x.day",
        "week": sql["week_of"].format(col="x.day"),
        "month": sql["month_of"].format(col="x.day"),
    }[period]
    columns = ", ".join(VALUE_FIELDS)
    sums = ", ".join(f"SUM(y.{f}) AS {f}" for f in VALUE_FIELDS)
    # One row per publication and period (two hash aggregations are cheaper than COUNT(DISTINCT));
    # the temp table already has one row per publication and day.
    x_values = ", ".join(f"x.{f}" for f in VALUE_FIELDS)
    days = "x.day >= %(first_day)s AND x.day <= %(last_day)s"
    if period == "day":
        per_publication = f"""SELECT x.day AS period_start, x.channel_id, x.department_id, x.campaign_id,
            x.theme_id, x.publication_id, x.active, {x_values} FROM analytics_pubdays x WHERE {days}"""  # noqa: S608
    else:
        x_sums = ", ".join(f"SUM(x.{f}) AS {f}" for f in VALUE_FIELDS)
        per_publication = f"""SELECT {start_of} AS period_start, x.channel_id, x.department_id, x.campaign_id,
            x.theme_id, x.publication_id, MAX(x.active) AS active, {x_sums} FROM analytics_pubdays x WHERE {days}
            GROUP BY 1, x.channel_id, x.department_id, x.campaign_id, x.theme_id, x.publication_id"""  # noqa: S608
    last_day = {"day": hi, "week": hi + timedelta(days=6), "month": Period.MONTH.end_of(hi)}[period]
    k_values = ", ".join(f"k.{f}" for f in VALUE_FIELDS)
    end_of = sql["end_of"][period].format(col="k.period_start")
    select = f"""
        SELECT %(period)s, k.period_start, k.channel_id, k.department_id, k.campaign_id, k.theme_id, k.posts,
               {k_values},
               CASE WHEN k.campaign_id IS NULL AND k.theme_id IS NULL AND k.department_id = c.department_id THEN
                   (SELECT f.followers FROM analytics_metricsnapshot f
                    WHERE f.channel_id = k.channel_id AND f.publication_id IS NULL AND f.followers IS NOT NULL
                      AND f.captured_at < {end_of}
                    ORDER BY f.captured_at DESC LIMIT 1)
               END,
               %(stamp)s
        FROM (
            SELECT y.period_start, y.channel_id, y.department_id, y.campaign_id, y.theme_id,
                   SUM(y.active) AS posts, {sums}
            FROM ({per_publication}) y
            GROUP BY y.period_start, y.channel_id, y.department_id, y.campaign_id, y.theme_id
        ) k JOIN publishing_channel c ON c.id = k.channel_id
        WHERE k.period_start >= %(lo)s AND k.period_start <= %(hi)s
    """  # noqa: S608
    insert = f"""INSERT INTO analytics_metricrollup
        (period, period_start, channel_id, department_id, campaign_id, theme_id, posts, {columns}, followers,
         computed_at)"""
    params = {
        "period": period,
        "lo": _day_param(lo),
        "hi": _day_param(hi),
        "first_day": _day_param(lo),
        "last_day": _day_param(last_day),
        "stamp": stamp,
    }
    channels = _channels_clause(channel_ids, "channel_id")
    delete = f"DELETE FROM analytics_metricrollup WHERE period = %(period)s AND period_start BETWEEN %(lo)s AND %(hi)s{channels}"  # noqa: S608, E501
    if vendor == "postgresql":
        updates = ", ".join(f"{f} = EXCLUDED.{f}" for f in ("posts", *VALUE_FIELDS, "followers", "computed_at"))
        cursor.execute(
            f"{insert} {select} ON CONFLICT ON CONSTRAINT analytics_rollup_one_row_per_key DO UPDATE SET {updates}",
            params,
        )
        stale = f"{delete} AND computed_at <> %(stamp)s"
        cursor.execute(stale, params)
    else:
        cursor.execute(delete, params)
        cursor.execute(f"{insert} {select}", params)


# Postgres: one statement for every period. ``posts`` needs publications counted once per period;
# rather than COUNT(DISTINCT) (a sort of every row per period), each snapshot row knows whether it
# is its publication's first active row of its day, week and month (from the time of the previous
# active row in the same ordered window), so every aggregate is a plain SUM that hashes.
_PG_ROLLUP = """
CREATE TEMP TABLE analytics_rollup_new ON COMMIT DROP AS
WITH touched AS (
    SELECT DISTINCT t.publication_id FROM analytics_metricsnapshot t
    WHERE t.publication_id IS NOT NULL AND t.captured_at >= %(start)s AND t.captured_at < %(end)s{channels_t}
),
lagged AS (
    SELECT s.publication_id, s.channel_id, s.captured_at, {lags}
    FROM analytics_metricsnapshot s
    WHERE s.publication_id IN (SELECT publication_id FROM touched) AND s.captured_at < %(end)s{channels_s}
    WINDOW w AS (PARTITION BY s.publication_id ORDER BY s.captured_at)
),
deltas AS (
    SELECT l.publication_id, l.channel_id, l.captured_at, {pg_deltas} FROM lagged l
),
marked AS (
    SELECT d.*, ({active}) AS active,
           MAX(CASE WHEN {active} THEN d.captured_at END) OVER (
               PARTITION BY d.publication_id ORDER BY d.captured_at ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ) AS last_active
    FROM deltas d
),
keyed AS (
    SELECT m.day, m.week, m.month, m.channel_id, p.department_id, p.campaign_id, p.theme_id,
           CASE WHEN m.active AND (m.last_day IS NULL OR m.last_day <> m.day) THEN 1 ELSE 0 END AS first_day,
           CASE WHEN m.active AND (m.last_day IS NULL OR date_trunc('week', m.last_day)::date <> m.week)
                THEN 1 ELSE 0 END AS first_week,
           CASE WHEN m.active AND (m.last_day IS NULL OR date_trunc('month', m.last_day)::date <> m.month)
                THEN 1 ELSE 0 END AS first_month,
           {m_values}
    FROM (
        SELECT x.*, (x.captured_at AT TIME ZONE 'UTC')::date AS day,
               date_trunc('week', (x.captured_at AT TIME ZONE 'UTC'))::date AS week,
               date_trunc('month', (x.captured_at AT TIME ZONE 'UTC'))::date AS month,
               (x.last_active AT TIME ZONE 'UTC')::date AS last_day
        FROM marked x WHERE x.captured_at >= %(start)s
    ) m
    JOIN publishing_publication pub ON pub.id = m.publication_id
    JOIN publishing_post p ON p.id = pub.post_id
    UNION ALL
    SELECT DISTINCT (f.captured_at AT TIME ZONE 'UTC')::date,
           date_trunc('week', (f.captured_at AT TIME ZONE 'UTC'))::date,
           date_trunc('month', (f.captured_at AT TIME ZONE 'UTC'))::date,
           f.channel_id, c.department_id, NULL::bigint, NULL::bigint, 0, 0, 0, {zeros}
    FROM analytics_metricsnapshot f JOIN publishing_channel c ON c.id = f.channel_id
    WHERE f.publication_id IS NULL AND f.followers IS NOT NULL
      AND f.captured_at >= %(start)s AND f.captured_at < %(end)s{channels_f}
),
agg AS (
    SELECT CASE WHEN GROUPING(x.day) = 0 THEN 'day' WHEN GROUPING(x.week) = 0 THEN 'week' ELSE 'month' END
               AS period,
           COALESCE(x.day, x.week, x.month) AS period_start,
           x.channel_id, x.department_id, x.campaign_id, x.theme_id,
           CASE WHEN GROUPING(x.day) = 0 THEN SUM(x.first_day)
                WHEN GROUPING(x.week) = 0 THEN SUM(x.first_week)
                ELSE SUM(x.first_month) END AS posts,
           {sums}
    FROM keyed x
    GROUP BY GROUPING SETS (
        (x.day, x.channel_id, x.department_id, x.campaign_id, x.theme_id),
        (x.week, x.channel_id, x.department_id, x.campaign_id, x.theme_id),
        (x.month, x.channel_id, x.department_id, x.campaign_id, x.theme_id)
    )
)
SELECT a.period, a.period_start, a.channel_id, a.department_id, a.campaign_id, a.theme_id, a.posts, {a_values},
       CASE WHEN a.campaign_id IS NULL AND a.theme_id IS NULL AND a.department_id = c.department_id THEN
           (SELECT f.followers FROM analytics_metricsnapshot f
            WHERE f.channel_id = a.channel_id AND f.publication_id IS NULL AND f.followers IS NOT NULL
              AND f.captured_at < (CASE a.period WHEN 'day' THEN a.period_start + interval '1 day'
                                   WHEN 'week' THEN a.period_start + interval '7 days'
                                   ELSE a.period_start + interval '1 month' END)::timestamp AT TIME ZONE 'UTC'
            ORDER BY f.captured_at DESC LIMIT 1)
       END AS followers,
       %(stamp)s::timestamptz AS computed_at
FROM agg a JOIN publishing_channel c ON c.id = a.channel_id
WHERE {in_range}
"""

# Rows whose figures did not change are left alone (no dead tuples on a nightly recompute).
_PG_UPSERT = """
INSERT INTO analytics_metricrollup
    (period, period_start, channel_id, department_id, campaign_id, theme_id, posts, {columns}, followers,
     computed_at)
SELECT period, period_start, channel_id, department_id, campaign_id, theme_id, posts, {columns}, followers,
       computed_at
FROM analytics_rollup_new
ON CONFLICT ON CONSTRAINT analytics_rollup_one_row_per_key DO UPDATE SET {updates}
WHERE ({current}) IS DISTINCT FROM ({excluded})
"""

_PG_STALE = """
DELETE FROM analytics_metricrollup r
WHERE {in_range}{channels} AND NOT EXISTS (
    SELECT 1 FROM analytics_rollup_new n
    WHERE n.period = r.period AND n.period_start = r.period_start AND n.channel_id = r.channel_id
      AND n.department_id = r.department_id AND COALESCE(n.campaign_id, 0) = COALESCE(r.campaign_id, 0)
      AND COALESCE(n.theme_id, 0) = COALESCE(r.theme_id, 0)
)
"""

_IN_RANGE = (
    "(({p}.period = 'day' AND {p}.period_start BETWEEN %(day_lo)s AND %(day_hi)s)"
    " OR ({p}.period = 'week' AND {p}.period_start BETWEEN %(week_lo)s AND %(week_hi)s)"
    " OR ({p}.period = 'month' AND {p}.period_start BETWEEN %(month_lo)s AND %(month_hi)s))"
)


def _recompute_postgres(cursor, lo: date, hi: date, first: date, last: date, channel_ids) -> None:
    """Postgres: every period in one statement (GROUPING SETS over the deltas) into a small temp
    table, then upsert the rows that changed and delete the ones that no longer have data."""
    lags = ", ".join(f"s.{f}, LAG(s.{f}, 1, 0) OVER w AS prev_{f}" for f in VALUE_FIELDS)
    pg_deltas = ", ".join(
        f"CASE WHEN l.{f} >= l.prev_{f} THEN l.{f} - l.prev_{f} ELSE l.{f} END AS {f}" for f in VALUE_FIELDS
    )
    query = _PG_ROLLUP.format(
        lags=lags,
        pg_deltas=pg_deltas,
        channels_t=_channels_clause(channel_ids, "t.channel_id"),
        channels_s=_channels_clause(channel_ids, "s.channel_id"),
        channels_f=_channels_clause(channel_ids, "f.channel_id"),
        active=" OR ".join(f"d.{f} <> 0" for f in VALUE_FIELDS),
        m_values=", ".join(f"m.{f}" for f in VALUE_FIELDS),
        zeros=", ".join(f"0 AS {f}" for f in VALUE_FIELDS),
        sums=", ".join(f"SUM(x.{f}) AS {f}" for f in VALUE_FIELDS),
        columns=", ".join(VALUE_FIELDS),
        a_values=", ".join(f"a.{f}" for f in VALUE_FIELDS),
        in_range=_IN_RANGE.format(p="a"),
    )
    compared = ("posts", *VALUE_FIELDS, "followers")
    upsert = _PG_UPSERT.format(
        columns=", ".join(VALUE_FIELDS),
        updates=", ".join(f"{f} = EXCLUDED.{f}" for f in (*compared, "computed_at")),
        current=", ".join(f"analytics_metricrollup.{f}" for f in compared),
        excluded=", ".join(f"EXCLUDED.{f}" for f in compared),
    )
    stale = _PG_STALE.format(in_range=_IN_RANGE.format(p="r"), channels=_channels_clause(channel_ids, "r.channel_id"))
    params = {
        "start": _midnight(first),
        "end": _midnight(last + timedelta(days=1)),
        "day_lo": lo,
        "day_hi": hi,
        "week_lo": Period.WEEK.start_of(lo),
        "week_hi": Period.WEEK.start_of(hi),
        "month_lo": Period.MONTH.start_of(lo),
        "month_hi": Period.MONTH.start_of(hi),
        "stamp": timezone.now(),
    }
    cursor.execute("DROP TABLE IF EXISTS analytics_rollup_new")
    cursor.execute(query, params)
    # The writes join the new rows to the table: statistics for them, and sorts allowed again.
    cursor.execute("ANALYZE analytics_rollup_new")
    cursor.execute("SET LOCAL enable_sort = on")
    cursor.execute(upsert)
    # The table's own statistics lag behind a big rebuild; a nested loop here is quadratic.
    cursor.execute("SET LOCAL enable_nestloop = off")
    cursor.execute(stale, params)
    cursor.execute("SET LOCAL enable_nestloop = on")
    cursor.execute("DROP TABLE analytics_rollup_new")


def _recompute_chunk(lo: date, hi: date, channel_ids) -> None:
    weeks = (Period.WEEK.start_of(lo), Period.WEEK.start_of(hi))
    months = (Period.MONTH.start_of(lo), Period.MONTH.start_of(hi))
    first = min(weeks[0], months[0])
    last = max(Period.WEEK.end_of(hi), Period.MONTH.end_of(hi))
    with connection.cursor() as cursor:
        if _vendor() == "postgresql":
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])
            # This transaction only: room to hash the aggregation in memory, and no sorts. The
            # snapshots come ordered from their (publication, time) index, the grouping sets hash
            # (a few rows per channel and day), and the followers lookups use the channel's own
            # partial index; the planner's row estimates for ``publication_id IS NULL`` otherwise
            # pick a sort of every row and a scan per lookup (4x slower at a million snapshots).
            cursor.execute("SET LOCAL work_mem = '512MB'")
            cursor.execute("SET LOCAL enable_sort = off")
            _recompute_postgres(cursor, lo, hi, first, last, channel_ids)
            return
        # SQLite (make run): per-publication days in a temp table, then each period from it.
        stamp = timezone.now().strftime("%Y-%m-%d %H:%M:%S.%f")
        _build_pubdays(cursor, first, last, channel_ids)
        _write_period(cursor, "day", lo, hi, channel_ids, stamp)
        _write_period(cursor, "week", *weeks, channel_ids, stamp)
        _write_period(cursor, "month", *months, channel_ids, stamp)
        cursor.execute("DROP TABLE IF EXISTS analytics_pubdays")


def rollups_recompute(
    *,
    since: date,
    until: date,
    channel_ids: Iterable[int] | None = None,
    progress: Progress | None = None,
    chunk_days: int | None = None,
) -> int:
    """Recompute the day rows of since..until (inclusive) and the week and month rows of every week
    and month those days touch, for the given channels (all when None). Each chunk of days is one
    transaction (with a ``progress`` callback, chunks of CHUNK_DAYS; without, one pass);
    ``progress(days_done, days_total)`` is called after each. Returns the days done."""
    if until < since:
        raise ValueError("until is before since")
    channel_ids = None if channel_ids is None else list(channel_ids)
    total = (until - since).days + 1
    chunk = chunk_days or (CHUNK_DAYS if progress is not None else total)
    done = 0
    lo = since
    while lo <= until:
        hi = min(lo + timedelta(days=chunk - 1), until)
        with transaction.atomic():
            _recompute_chunk(lo, hi, channel_ids)
        done += (hi - lo).days + 1
        if progress is not None:
            progress(done, total)
        lo = hi + timedelta(days=1)
    return total


def _ranges(days: list[date], gap: int = 7) -> list[tuple[date, date]]:
    """Sorted days merged into ranges (days closer than ``gap`` apart share one)."""
    ranges: list[tuple[date, date]] = []
    for day in sorted(set(days)):
        if ranges and (day - ranges[-1][1]).days <= gap:
            ranges[-1] = (ranges[-1][0], day)
        else:
            ranges.append((day, day))
    return ranges


@transaction.atomic
def rollups_recompute_dirty(*, limit: int = DIRTY_BATCH) -> int:
    """Take up to ``limit`` dirty (day, channel) marks — rows another worker holds are skipped —
    recompute those days for those channels (plus their weeks and months) and delete the marks.
    All in one transaction: a failure leaves the marks for the next run. Returns the marks taken."""
    if _vendor() == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                """DELETE FROM analytics_dirtyday WHERE id IN (
                       SELECT id FROM analytics_dirtyday ORDER BY day, channel_id LIMIT %s FOR UPDATE SKIP LOCKED)
                   RETURNING day, channel_id""",
                [limit],
            )
            taken = cursor.fetchall()
    else:
        rows = list(DirtyDay.objects.order_by("day", "channel_id").values_list("id", "day", "channel_id")[:limit])
        DirtyDay.objects.filter(id__in=[row[0] for row in rows]).delete()
        taken = [(day, channel) for _, day, channel in rows]
    if not taken:
        return 0
    by_range: dict[tuple[date, date], set[int]] = {}
    days_by_channel: dict[int, list[date]] = {}
    for day, channel in taken:
        day = day if isinstance(day, date) else date.fromisoformat(str(day))
        days_by_channel.setdefault(channel, []).append(day)
    for channel, days in days_by_channel.items():
        for span in _ranges(days):
            by_range.setdefault(span, set()).add(channel)
    for (lo, hi), channels in sorted(by_range.items()):
        rollups_recompute(since=lo, until=hi, channel_ids=channels)
    return len(taken)


def rollups_recompute_recent(*, days: int | None = None) -> int:
    """The nightly safety net: recompute the last ``days`` days (ROLLUP_NIGHTLY_DAYS) for every
    channel, whatever was marked."""
    days = days or settings.ROLLUP_NIGHTLY_DAYS
    today = timezone.now().date()
    return rollups_recompute(since=today - timedelta(days=days - 1), until=today)
