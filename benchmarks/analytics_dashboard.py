"""The CoE dashboard over a large rollup table.

``fill(rollup_rows)`` writes about that many daily rollup rows (twelve months × every channel ×
campaign/theme combinations, made up for the run) with set-based SQL, then the week and month rows
summed from them, and cumulative snapshots for the publications so top posts have figures.
``dashboard()`` measures the page for the CoE manager with default filters (the last 30 days,
compared with the 30 before): p50/p95 server time and its query count, beside the sign-in page.
Postgres only (generate_series); the size comes from BENCH_ROLLUP_ROWS (500000).
"""

from __future__ import annotations

import math
import time
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone

from benchmarks.report import bench, timed
from publishing.models import Campaign, Channel, ContentTheme

DAYS = 365


def _combos_needed(rows: int, channels: int) -> int:
    return max(1, math.ceil(rows / (DAYS * channels)))


def _ensure_combos(count: int) -> list[tuple[int | None, int | None]]:
    """``count`` (campaign, theme) pairs: the demo's campaigns and themes, plus made-up ones."""
    themes = list(ContentTheme.objects.values_list("pk", flat=True))
    campaigns = list(Campaign.objects.values_list("pk", flat=True))
    n = 0
    while len(themes) * (len(campaigns) + 1) < count:
        n += 1
        ContentTheme.objects.get_or_create(slug=f"bench-theme-{n}", defaults={"name": f"Bench theme {n}"})
        Campaign.objects.get_or_create(slug=f"bench-campaign-{n}", defaults={"name": f"Bench campaign {n}"})
        themes = list(ContentTheme.objects.values_list("pk", flat=True))
        campaigns = list(Campaign.objects.values_list("pk", flat=True))
    pairs = [(campaign, theme) for theme in themes for campaign in [None, *campaigns]]
    return pairs[:count]


def fill(rollup_rows: int, *, today=None, snapshots_per_publication: int = 30) -> dict:
    """Daily, weekly and monthly rollups for the last year, and snapshots; returns row counts."""
    today = today or timezone.localdate()
    channel_rows = list(Channel.objects.values_list("pk", "department_id"))
    combos = _ensure_combos(_combos_needed(rollup_rows, len(channel_rows)))
    start = today - timedelta(days=DAYS - 1)
    with connection.cursor() as cursor:
        cursor.execute("CREATE TEMP TABLE bench_combo (n int, campaign_id bigint, theme_id bigint) ON COMMIT DROP")
        cursor.executemany(
            "INSERT INTO bench_combo VALUES (%s, %s, %s)",
            [(n, campaign, theme) for n, (campaign, theme) in enumerate(combos)],
        )
        # Weekends quieter, a campaign spike in one month, a steady rise through the year.
        cursor.execute(
            """
            INSERT INTO analytics_metricrollup
              (period, period_start, channel_id, department_id, campaign_id, theme_id, posts, impressions, reach,
               likes, comments, shares, clicks, video_views, conversions, conversion_value, followers, computed_at)
            SELECT 'day', d::date, c.id, c.department_id, k.campaign_id, k.theme_id,
                   1 + (h %% 3), imp, imp * 7 / 10, imp * (2 + h %% 4) / 100, imp / 200, imp / 300, imp / 150,
                   imp / 20, imp / 1000, (imp / 1000) * 25, NULL, now()
            FROM generate_series(%s::date, %s::date, interval '1 day') AS d
            CROSS JOIN publishing_channel c
            CROSS JOIN bench_combo k
            CROSS JOIN LATERAL (SELECT abs(hashtext(d::text || c.id || '-' || k.n)) %% 97 AS h) AS r
            CROSS JOIN LATERAL (
              SELECT ((200 + r.h * 10) * (CASE WHEN extract(isodow FROM d) IN (6, 7) THEN 5 ELSE 10 END) / 10
                      * (CASE WHEN k.n = 0 AND extract(month FROM d) = 3 THEN 4 ELSE 1 END)
                      * (100 + (d::date - %s::date) / 4) / 100)::bigint AS imp
            ) AS v
            ON CONFLICT DO NOTHING
            """,
            [start, today, start],
        )
        for period, trunc in (("week", "week"), ("month", "month")):
            cursor.execute(
                f"""
                INSERT INTO analytics_metricrollup
                  (period, period_start, channel_id, department_id, campaign_id, theme_id, posts, impressions,
                   reach, likes, comments, shares, clicks, video_views, conversions, conversion_value, followers,
                   computed_at)
                SELECT '{period}', date_trunc('{trunc}', period_start)::date, channel_id, department_id, campaign_id,
                       theme_id, sum(posts), sum(impressions), sum(reach), sum(likes), sum(comments), sum(shares),
                       sum(clicks), sum(video_views), sum(conversions), sum(conversion_value), NULL, now()
                FROM analytics_metricrollup WHERE period = 'day'
                GROUP BY 2, 3, 4, 5, 6
                ON CONFLICT DO NOTHING
                """  # noqa: S608 - two fixed literals
            )
        # followers on the channel rows (no campaign, no theme) of every month: a steady climb
        cursor.execute(
            """
            UPDATE analytics_metricrollup SET followers = 1000 + channel_id * 10
                   + (period_start - %s::date) * 3
            WHERE period = 'month' AND campaign_id IS NULL AND theme_id IS NULL
            """,
            [start],
        )
        # cumulative snapshots, one a day, for every publication over the last N days
        cursor.execute(
            """
            INSERT INTO analytics_metricsnapshot
              (channel_id, publication_id, captured_at, impressions, reach, likes, comments, shares, clicks,
               video_views, followers, conversions, conversion_value, source, received_at)
            SELECT p.channel_id, p.id, (%s::date - s) + time '12:00' AT TIME ZONE 'UTC',
                   g * (50 + p.id %% 200), g * (35 + p.id %% 150), g * (1 + p.id %% 9), g * (p.id %% 3),
                   g * (p.id %% 2), g * (1 + p.id %% 5), g * (p.id %% 40), NULL, g * (p.id %% 2), 0, 'demo', now()
            FROM publishing_publication p
            CROSS JOIN generate_series(0, %s - 1) AS s
            CROSS JOIN LATERAL (SELECT (%s - s) AS g) AS grown
            ON CONFLICT DO NOTHING
            """,
            [today, snapshots_per_publication, snapshots_per_publication],
        )
        cursor.execute("ANALYZE analytics_metricrollup")
        cursor.execute("ANALYZE analytics_metricsnapshot")
        cursor.execute("SELECT count(*) FROM analytics_metricrollup")
        rollups = cursor.fetchone()[0]
        cursor.execute("SELECT count(*) FROM analytics_metricsnapshot")
        snapshots = cursor.fetchone()[0]
    return {"rollups": rollups, "snapshots": snapshots}


class _QueryCounter:
    def __init__(self) -> None:
        self.count = 0

    def __call__(self, execute, sql, params, many, context):
        self.count += 1
        return execute(sql, params, many, context)


def dashboard(rollup_rows: int, *, floor: tuple[float, float], manager, repeat: int = 30) -> None:
    if connection.vendor != "postgresql":
        print("BENCH dashboard skipped=1 reason=needs-DATABASE_URL-on-Postgres")
        return
    from django.db import transaction

    started = time.perf_counter()
    with transaction.atomic():
        sizes = fill(rollup_rows)
    fill_seconds = time.perf_counter() - started
    client = Client()
    client.force_login(manager)
    url = "/analytics/dashboard/"
    counter = _QueryCounter()
    with connection.execute_wrapper(counter):
        assert client.get(url).status_code == 200
    p50, p95 = timed(client, url, repeat)
    bench(
        "dashboard",
        p50=(p50, "ms"),
        p95=(p95, "ms"),
        floor_p50=(floor[0], "ms"),
        queries=(counter.count, "queries"),
        rollups=(sizes["rollups"], "rows"),
        snapshots=(sizes["snapshots"], "rows"),
        fill=(fill_seconds, "s"),
    )
