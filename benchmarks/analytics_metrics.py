"""Metrics in and rollups at scale (Postgres).

- ``metrics_ingest``: N snapshots (BENCH_SNAPSHOTS, default 1,000,000: ten per publication over a
  year of publications on the demo channels) through the bulk path — ``snapshots_ingest`` in
  requests of 5,000 rows as the API receives them (validation, idempotent insert, dirty marks,
  the rollup task enqueued) — in rows/s, beside the floor: a plain COPY of the same rows into a
  scratch table in the same run.
- ``rollup_full``: the rollup of those snapshots over their whole range (day rows, and the week
  and month rows) in seconds, beside one hand-written SQL statement doing the same daily
  aggregation (deltas by LAG, summed per day and key) into a scratch table.
- ``rollup_incremental``: 1,000 new snapshots of today, then the dirty sweep, in seconds.
"""

from __future__ import annotations

import time
from datetime import UTC, datetime, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.utils import timezone

from analytics.models import DirtyDay, MetricRollup, MetricSnapshot
from analytics.services.ingest import BATCH_SIZE, snapshots_ingest
from analytics.services.rollups import rollups_recompute, rollups_recompute_dirty
from benchmarks.report import bench
from coe.celery import app
from coe.models import User
from publishing.models import Channel, Publication
from tests.publishing.bulk import approved_publications

PER_PUBLICATION = 10
OFFSETS_HOURS = (1, 3, 6, 12, 24, 48, 72, 120, 168, 336)
DAYS = 365


# The daily floor's aggregation at day, week and month in one statement (what rollups_recompute
# writes), for a like-for-like second ratio.
_FLOOR_ALL_PERIODS = """
CREATE UNLOGGED TABLE bench_rollup_floor_all AS
SELECT d.day, date_trunc('week', d.day)::date AS week, date_trunc('month', d.day)::date AS month,
       d.channel_id, p.department_id, p.campaign_id, p.theme_id,
       COUNT(DISTINCT d.publication_id) FILTER (WHERE d.impressions + d.likes > 0) AS posts,
       SUM(d.impressions) impressions, SUM(d.reach) reach, SUM(d.likes) likes, SUM(d.comments) comments,
       SUM(d.shares) shares, SUM(d.clicks) clicks, SUM(d.video_views) video_views,
       SUM(d.conversions) conversions, SUM(d.conversion_value) conversion_value
FROM (
    SELECT s.publication_id, s.channel_id, (s.captured_at AT TIME ZONE 'UTC')::date AS day,
           s.impressions - COALESCE(LAG(s.impressions) OVER w, 0) impressions,
           s.reach - COALESCE(LAG(s.reach) OVER w, 0) reach,
           s.likes - COALESCE(LAG(s.likes) OVER w, 0) likes,
           s.comments - COALESCE(LAG(s.comments) OVER w, 0) comments,
           s.shares - COALESCE(LAG(s.shares) OVER w, 0) shares,
           s.clicks - COALESCE(LAG(s.clicks) OVER w, 0) clicks,
           s.video_views - COALESCE(LAG(s.video_views) OVER w, 0) video_views,
           s.conversions - COALESCE(LAG(s.conversions) OVER w, 0) conversions,
           s.conversion_value - COALESCE(LAG(s.conversion_value) OVER w, 0) conversion_value
    FROM analytics_metricsnapshot s WHERE s.publication_id IS NOT NULL
    WINDOW w AS (PARTITION BY s.publication_id ORDER BY s.captured_at)
) d
JOIN publishing_publication pub ON pub.id = d.publication_id
JOIN publishing_post p ON p.id = pub.post_id
GROUP BY GROUPING SETS (
    (d.day, d.channel_id, p.department_id, p.campaign_id, p.theme_id),
    (date_trunc('week', d.day), d.channel_id, p.department_id, p.campaign_id, p.theme_id),
    (date_trunc('month', d.day), d.channel_id, p.department_id, p.campaign_id, p.theme_id)
)
"""


def _publications(count: int) -> list[tuple[int, int, datetime]]:
    """``count`` published publications spread over the last year: (id, channel, published_at)."""
    channels = list(Channel.objects.filter(is_active=True).order_by("pk"))
    author = User.objects.get(username="member")
    now = timezone.now().replace(minute=0, second=0, microsecond=0)
    start = now - timedelta(days=DAYS)
    step = (DAYS - 15) * 86400 / max(count, 1)
    ids = approved_publications(
        channels=channels,
        author=author,
        count=count,
        scheduled_at=start,
        text="Bench metrics post {n}",
        spread=lambda n: timedelta(seconds=int(n * step)),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE publishing_publication SET status = 'published', published_at = scheduled_at,"
            " external_id = 'bench-' || id WHERE id = ANY(%s)",
            [ids],
        )
    return list(Publication.objects.filter(pk__in=ids).order_by("pk").values_list("pk", "channel_id", "published_at"))


def _rows(publications, start: int, stop: int) -> list[dict]:
    """Snapshot rows (as an API client sends them) for publications[start:stop]."""
    rows = []
    for pk, _channel, published in publications[start:stop]:
        base = 200 + pk % 1700
        for k, hours in enumerate(OFFSETS_HOURS):
            share = (k + 1) / PER_PUBLICATION
            impressions = int(base * share * 10)
            rows.append(
                {
                    "publication_id": pk,
                    "captured_at": (published + timedelta(hours=hours)).isoformat(),
                    "impressions": impressions,
                    "reach": impressions * 7 // 10,
                    "likes": impressions // 30,
                    "comments": impressions // 200,
                    "shares": impressions // 150,
                    "clicks": impressions // 60,
                    "video_views": impressions // 9,
                    "conversions": impressions // 900,
                    "conversion_value": str(Decimal(impressions // 900) * 40),
                }
            )
    return rows


def _copy_floor(publications, per_batch: int) -> float:
    """A plain COPY of the same rows into a scratch table (no validation, no constraints)."""
    elapsed = 0.0
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE UNLOGGED TABLE bench_snapshot_copy (publication_id bigint, channel_id bigint,"
            " captured_at timestamptz, impressions bigint, reach bigint, likes bigint, comments bigint,"
            " shares bigint, clicks bigint, video_views bigint, conversions bigint, conversion_value numeric(14,2))"
        )
        channel_of = {pk: channel for pk, channel, _ in publications}
        for start in range(0, len(publications), per_batch):
            rows = _rows(publications, start, start + per_batch)
            began = time.perf_counter()
            with cursor.cursor.copy(
                "COPY bench_snapshot_copy (publication_id, channel_id, captured_at, impressions, reach, likes,"
                " comments, shares, clicks, video_views, conversions, conversion_value) FROM STDIN"
            ) as copy:
                for row in rows:
                    copy.write_row(
                        (
                            row["publication_id"],
                            channel_of[row["publication_id"]],
                            row["captured_at"],
                            row["impressions"],
                            row["reach"],
                            row["likes"],
                            row["comments"],
                            row["shares"],
                            row["clicks"],
                            row["video_views"],
                            row["conversions"],
                            row["conversion_value"],
                        )
                    )
            elapsed += time.perf_counter() - began
        cursor.execute("DROP TABLE bench_snapshot_copy")
    return elapsed


def metrics_ingest(total: int) -> dict:
    """Runs metrics_ingest, rollup_full and rollup_incremental; returns what was measured."""
    publications = _publications(max(total // PER_PUBLICATION, 1))
    per_batch = BATCH_SIZE // PER_PUBLICATION
    elapsed, stored = 0.0, 0
    for start in range(0, len(publications), per_batch):
        rows = _rows(publications, start, start + per_batch)
        began = time.perf_counter()
        stored += snapshots_ingest(actor=None, rows=rows, source=MetricSnapshot.Source.API).created
        elapsed += time.perf_counter() - began
    app.control.purge()  # the rollup sweeps the ingestion enqueued: measured below instead
    floor = _copy_floor(publications, per_batch)
    bench(
        "metrics_ingest",
        rows_per_s=(stored / elapsed, "rows/s"),
        floor_rows_per_s=(stored / floor, "rows/s"),
        rows=(stored, "rows"),
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh statistics for both the rollup and its floor

    first = MetricSnapshot.objects.order_by("captured_at").values_list("captured_at", flat=True).first()
    last = MetricSnapshot.objects.order_by("-captured_at").values_list("captured_at", flat=True).first()
    since, until = first.astimezone(UTC).date(), last.astimezone(UTC).date()
    began = time.perf_counter()
    rollups_recompute(since=since, until=until)
    full = time.perf_counter() - began
    began = time.perf_counter()
    with connection.cursor() as cursor:
        cursor.execute(
            """
            CREATE UNLOGGED TABLE bench_rollup_floor AS
            SELECT (d.captured_at AT TIME ZONE 'UTC')::date AS day, d.channel_id, p.department_id, p.campaign_id,
                   p.theme_id, COUNT(DISTINCT d.publication_id) FILTER (WHERE d.impressions + d.likes > 0) AS posts,
                   SUM(d.impressions) impressions, SUM(d.reach) reach, SUM(d.likes) likes, SUM(d.comments) comments,
                   SUM(d.shares) shares, SUM(d.clicks) clicks, SUM(d.video_views) video_views,
                   SUM(d.conversions) conversions, SUM(d.conversion_value) conversion_value
            FROM (
                SELECT s.publication_id, s.channel_id, s.captured_at,
                       s.impressions - COALESCE(LAG(s.impressions) OVER w, 0) impressions,
                       s.reach - COALESCE(LAG(s.reach) OVER w, 0) reach,
                       s.likes - COALESCE(LAG(s.likes) OVER w, 0) likes,
                       s.comments - COALESCE(LAG(s.comments) OVER w, 0) comments,
                       s.shares - COALESCE(LAG(s.shares) OVER w, 0) shares,
                       s.clicks - COALESCE(LAG(s.clicks) OVER w, 0) clicks,
                       s.video_views - COALESCE(LAG(s.video_views) OVER w, 0) video_views,
                       s.conversions - COALESCE(LAG(s.conversions) OVER w, 0) conversions,
                       s.conversion_value - COALESCE(LAG(s.conversion_value) OVER w, 0) conversion_value
                FROM analytics_metricsnapshot s WHERE s.publication_id IS NOT NULL
                WINDOW w AS (PARTITION BY s.publication_id ORDER BY s.captured_at)
            ) d
            JOIN publishing_publication pub ON pub.id = d.publication_id
            JOIN publishing_post p ON p.id = pub.post_id
            GROUP BY 1, 2, 3, 4, 5
            """
        )
        floor_full = time.perf_counter() - began
        cursor.execute("SELECT COUNT(*) FROM bench_rollup_floor")
        floor_rows = cursor.fetchone()[0]
        cursor.execute("DROP TABLE bench_rollup_floor")
        # The service also writes the week and month rows: the same statement with all three levels.
        began = time.perf_counter()
        cursor.execute(_FLOOR_ALL_PERIODS)
        floor_all = time.perf_counter() - began
        cursor.execute("DROP TABLE bench_rollup_floor_all")
    day_rows = MetricRollup.objects.filter(period="day").count()
    bench(
        "rollup_full",
        seconds=(full, "s"),
        floor_seconds=(floor_full, "s"),
        ratio=(full / floor_full, "x"),
        floor_all_periods_seconds=(floor_all, "s"),
        ratio_all_periods=(full / floor_all, "x"),
        day_rows=(day_rows, "rows"),
        floor_rows=(floor_rows, "rows"),
        snapshots=(stored, "rows"),
    )

    DirtyDay.objects.all().delete()
    now = timezone.now().replace(second=0, microsecond=0)
    recent = [pk for pk, _, published in publications if published > now - timedelta(days=30)][-1000:]
    rows = [
        {
            "publication_id": pk,
            "captured_at": (now - timedelta(minutes=1)).isoformat(),
            "impressions": 10**6,
            "likes": 10,
        }
        for pk in recent
    ]
    with transaction.atomic():
        snapshots_ingest(actor=None, rows=rows, source=MetricSnapshot.Source.API)
    app.control.purge()
    marks = DirtyDay.objects.count()
    began = time.perf_counter()
    rollups_recompute_dirty()
    incremental = time.perf_counter() - began
    bench(
        "rollup_incremental",
        seconds=(incremental, "s"),
        new_snapshots=(len(rows), "rows"),
        dirty_marks=(marks, "marks"),
    )
    # Leave the database as the other benchmarks expect it (their own rows, not these).
    with connection.cursor() as cursor:
        cursor.execute(
            "DELETE FROM analytics_metricsnapshot WHERE publication_id = ANY(%s)", [[pk for pk, _, _ in publications]]
        )
        cursor.execute("DELETE FROM analytics_metricrollup")
        cursor.execute("DELETE FROM analytics_dirtyday")
    return {"ingest": stored / elapsed, "full": full, "incremental": incremental}
