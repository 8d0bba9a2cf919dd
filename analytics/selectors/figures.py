"""The figures behind the CoE dashboard, its drill-down and /api/v1/figures/: totals, series and
breakdowns summed from MetricRollup (never from snapshots), and the posts that did best and worst
(from snapshots: the latest counters in the range minus the latest before it).

Engagements are likes + comments + shares + clicks; the engagement rate is engagements /
impressions. The comparison is the previous period of the same length, ending the day before
``since``. Every function is one aggregate query (or a fixed few), scoped to what the person may
see (analytics.permissions.figures_q): the count never grows with the rows summed.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.db import connection, transaction
from django.db.models import (
    BigIntegerField,
    DecimalField,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
)
from django.db.models.functions import Coalesce
from django.utils import timezone

from analytics.models import MetricRollup, MetricSnapshot, Period
from analytics.permissions import department_ids_visible_to, figures_q

# The summed figures of every row (followers are a level, not a flow: see ``followers``).
SUMMED = (
    "posts",
    "impressions",
    "reach",
    "likes",
    "comments",
    "shares",
    "clicks",
    "video_views",
    "conversions",
    "conversion_value",
)
# What a person can pick on the chart and the API's ``metric`` names.
SERIES_METRICS = {
    "impressions": "Impressions",
    "reach": "Reach",
    "engagements": "Engagements",
    "engagement_rate": "Engagement rate (%)",
    "clicks": "Clicks",
    "video_views": "Video views",
    "conversions": "Conversions",
    "conversion_value": "Conversion value",
    "posts": "Active posts",
}
# Memory for the dashboard's one big grouping (Postgres' default of 4MB spills it to disk).
OVERVIEW_WORK_MEM = "32MB"
GROUPS = {
    "channel": ("channel_id", "channel__name"),
    "network": ("channel__network", "channel__network"),
    "department": ("department_id", "department__name"),
    "campaign": ("campaign_id", "campaign__name"),
    "theme": ("theme_id", "theme__name"),
}


def engagement_rate(engagements: int, impressions: int) -> Decimal | None:
    """Engagements per impression in percent (two decimals), None without impressions."""
    if not impressions:
        return None
    return (Decimal(engagements) * 100 / Decimal(impressions)).quantize(Decimal("0.01"))


def change_percent(current, previous) -> Decimal | None:
    if current is None or not previous:
        return None
    return ((Decimal(current) - Decimal(previous)) * 100 / Decimal(previous)).quantize(Decimal("0.1"))


def period_for(since: date, until: date) -> str:
    """The series' step for a range: days up to three months, weeks up to a year, else months."""
    days = (until - since).days + 1
    if days <= 92:
        return Period.DAY
    if days <= 371:
        return Period.WEEK
    return Period.MONTH


def day_start(day: date) -> datetime:
    return timezone.make_aware(datetime.combine(day, time.min))


# --- scope ----------------------------------------------------------------------------------------


def _ids(values) -> list[int] | None:
    return None if values is None else sorted({int(value) for value in values})


def rollups_for(
    *, user, period: str | None, department_ids=None, channel_ids=None, campaign_ids=None, theme_ids=None
) -> QuerySet[MetricRollup]:
    """Rollup rows of one period kind (or any, with None) that this person may see, narrowed by
    the filters."""
    rows = MetricRollup.objects.filter(figures_q(user))
    if period is not None:
        rows = rows.filter(period=period)
    if department_ids is not None:
        rows = rows.filter(department_id__in=_ids(department_ids))
    if channel_ids is not None:
        rows = rows.filter(channel_id__in=_ids(channel_ids))
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=_ids(campaign_ids))
    if theme_ids is not None:
        rows = rows.filter(theme_id__in=_ids(theme_ids))
    return rows.order_by()


def _sums(condition: Q | None = None, prefix: str = "") -> dict:
    sums = {}
    for name in SUMMED:
        output = DecimalField(max_digits=20, decimal_places=2) if name == "conversion_value" else BigIntegerField()
        zero = Value(Decimal("0"), output_field=output) if name == "conversion_value" else Value(0)
        sums[f"{prefix}{name}"] = Coalesce(Sum(name, filter=condition), zero, output_field=output)
    return sums


def _figures(row: dict, prefix: str = "") -> dict:
    figures = {name: row.get(f"{prefix}{name}") or 0 for name in SUMMED}
    figures["engagements"] = figures["likes"] + figures["comments"] + figures["shares"] + figures["clicks"]
    figures["engagement_rate"] = engagement_rate(figures["engagements"], figures["impressions"])
    return figures


# --- totals, series, breakdowns ---------------------------------------------------------------------


@dataclass
class Totals:
    since: date
    until: date
    current: dict
    previous: dict | None = None
    change: dict = field(default_factory=dict)

    @property
    def is_empty(self) -> bool:
        return not (self.current["impressions"] or self.current["engagements"] or self.current["posts"])


def previous_range(since: date, until: date) -> tuple[date, date]:
    """The period of the same length just before: ends the day before ``since``."""
    length = (until - since).days + 1
    return since - timedelta(days=length), since - timedelta(days=1)


def figures_totals(
    *,
    user,
    since: date,
    until: date,
    compare: bool = True,
    group_by: str | None = None,
    department_ids=None,
    channel_ids=None,
    campaign_ids=None,
    theme_ids=None,
):
    """The range's sums from rollups (whole months from month rows, the other days from day rows:
    exact at both ends), with the previous period of the same length and the change in percent, in
    one query. With ``group_by`` (channel, network, department, campaign, theme): a list of rows
    ``{"key", "label", **figures}`` for the range, largest engagements first (no comparison)."""
    rows = rollups_for(
        user=user,
        period=None,
        department_ids=department_ids,
        channel_ids=channel_ids,
        campaign_ids=campaign_ids,
        theme_ids=theme_ids,
    )
    if group_by is not None:
        key, label = GROUPS[group_by]
        grouped = rows.filter(range_q(since, until)).values(key, label).annotate(**_sums()).order_by(label)
        result = []
        for row in grouped:
            figures = _figures(row)
            result.append({"key": row[key], "label": row[label] if row[key] is not None else "—", **figures})
        result.sort(key=lambda row: (-row["engagements"], str(row["label"])))
        return result
    before_since, before_until = previous_range(since, until)
    current_q = range_q(since, until)
    previous_q = range_q(before_since, before_until)
    window = rows.filter(current_q | previous_q if compare else current_q)
    aggregate = window.aggregate(**_sums(current_q, "c_"), **(_sums(previous_q, "p_") if compare else {}))
    current = _figures(aggregate, "c_")
    totals = Totals(since=since, until=until, current=current)
    if compare:
        totals.previous = _figures(aggregate, "p_")
        totals.change = {
            name: change_percent(current[name], totals.previous[name]) for name in (*SUMMED, "engagements")
        }
        rate, before = current["engagement_rate"], totals.previous["engagement_rate"]
        totals.change["engagement_rate"] = (
            None if rate is None or before is None else (rate - before).quantize(Decimal("0.01"))
        )
    return totals


def figures_series(
    *,
    user,
    since: date,
    until: date,
    period: str,
    group_by: str | None = None,
    department_ids=None,
    channel_ids=None,
    campaign_ids=None,
    theme_ids=None,
) -> list[dict]:
    """One row per period (day, ISO week from its Monday, month from its 1st) that starts in the
    range (a week or month that began before ``since`` counts whole), oldest first; periods without
    rows are filled with zeros so a chart's axis has no gaps. With ``group_by`` each row also has
    ``key``/``label`` and only periods with figures appear."""
    rows = rollups_for(
        user=user,
        period=period,
        department_ids=department_ids,
        channel_ids=channel_ids,
        campaign_ids=campaign_ids,
        theme_ids=theme_ids,
    ).filter(period_start__gte=Period(period).start_of(since), period_start__lte=until)
    if group_by is not None:
        key, label = GROUPS[group_by]
        grouped = rows.values("period_start", key, label).annotate(**_sums()).order_by("period_start", label)
        return [
            {"period_start": row["period_start"], "key": row[key], "label": row[label], **_figures(row)}
            for row in grouped
        ]
    by_start = {row["period_start"]: row for row in rows.values("period_start").annotate(**_sums())}
    series = []
    start = Period(period).start_of(since)
    while start <= until:
        series.append({"period_start": start, **_figures(by_start.get(start, {}))})
        start = Period(period).end_of(start) + timedelta(days=1)
    return series


# --- the dashboard's sections in one pass -----------------------------------------------------------


def range_q(since: date, until: date) -> Q:
    """The rollup rows that sum to exactly [since, until]: the month rows of the whole months inside
    it and the day rows of the days around them (a year is 12 month rows per key, not 365 day rows).
    Every figure but ``posts`` adds up across periods; ``posts`` counts per row's period."""
    first_full = since if since.day == 1 else Period.MONTH.end_of(since) + timedelta(days=1)
    last_full_end = until if until == Period.MONTH.end_of(until) else until.replace(day=1) - timedelta(days=1)
    if first_full > last_full_end:
        return Q(period=Period.DAY, period_start__gte=since, period_start__lte=until)
    return (
        Q(period=Period.MONTH, period_start__gte=first_full, period_start__lte=last_full_end)
        | Q(period=Period.DAY, period_start__gte=since, period_start__lt=first_full)
        | Q(period=Period.DAY, period_start__gt=last_full_end, period_start__lte=until)
    )


@dataclass
class Overview:
    """What the dashboard shows from rollups: totals (with the previous period), the series and the
    breakdowns by channel, department and theme (rows ``{"key", **figures}``, labels added later)."""

    totals: Totals
    series: list[dict]
    channels: list[dict]
    departments: list[dict]
    themes: list[dict]


def figures_overview(
    *,
    user,
    since: date,
    until: date,
    period: str,
    compare: bool = True,
    department_ids=None,
    channel_ids=None,
    campaign_ids=None,
    theme_ids=None,
) -> Overview:
    """The range's totals, series and breakdowns in one statement: the rows are first summed per
    (day, channel, department, theme) and those few are then grouped four ways (UNION ALL over a
    CTE, on Postgres and SQLite alike). The previous period's totals and, for weekly or monthly
    steps, the series are one more query each. The count never grows with the data."""
    scope = {
        "department_ids": department_ids,
        "channel_ids": channel_ids,
        "campaign_ids": campaign_ids,
        "theme_ids": theme_ids,
    }
    rows = MetricRollup.objects.filter(figures_q(user))
    if department_ids is not None:
        rows = rows.filter(department_id__in=_ids(department_ids))
    if channel_ids is not None:
        rows = rows.filter(channel_id__in=_ids(channel_ids))
    if campaign_ids is not None:
        rows = rows.filter(campaign_id__in=_ids(campaign_ids))
    if theme_ids is not None:
        rows = rows.filter(theme_id__in=_ids(theme_ids))
    daily = period == Period.DAY
    window = Q(period=Period.DAY, period_start__gte=since, period_start__lte=until) if daily else range_q(since, until)
    inner = (
        rows.filter(window)
        .order_by()
        .values("period_start", "channel_id", "department_id", "theme_id")
        .annotate(**{name: Sum(name) for name in SUMMED})
    )
    inner_sql, params = inner.query.sql_with_params()
    sums = ", ".join(f"SUM({connection.ops.quote_name(name)})" for name in SUMMED)
    # Only fixed column names are put into the text; every value is a bound parameter.
    parts = [
        f"SELECT 'channel', channel_id, CAST(NULL AS DATE), {sums} FROM g GROUP BY channel_id",  # noqa: S608
        f"SELECT 'department', department_id, CAST(NULL AS DATE), {sums} FROM g GROUP BY department_id",  # noqa: S608
        f"SELECT 'theme', theme_id, CAST(NULL AS DATE), {sums} FROM g GROUP BY theme_id",  # noqa: S608
        f"SELECT 'total', CAST(NULL AS BIGINT), CAST(NULL AS DATE), {sums} FROM g",  # noqa: S608
    ]
    if daily:
        parts.append(f"SELECT 'day', CAST(NULL AS BIGINT), period_start, {sums} FROM g GROUP BY period_start")  # noqa: S608
    sql = f"WITH g AS ({inner_sql}) " + " UNION ALL ".join(parts)
    grouped: dict[str, list[dict]] = {"channel": [], "department": [], "theme": [], "total": [], "day": []}
    with transaction.atomic(), connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The first grouping sorts tens of thousands of rows: in memory, not in a temp file.
            cursor.execute(f"SET LOCAL work_mem = '{OVERVIEW_WORK_MEM}'")
        cursor.execute(sql, params)
        fetched = cursor.fetchall()
    for dimension, key, day, *values in fetched:
        row = dict(zip(SUMMED, values, strict=True))
        if row["conversion_value"] is not None:
            row["conversion_value"] = Decimal(row["conversion_value"]).quantize(Decimal("0.01"))
        grouped[dimension].append({"key": key, "day": day, **_figures(row)})
    current = grouped["total"][0] if grouped["total"] else _figures({})
    current = {name: current[name] for name in (*SUMMED, "engagements", "engagement_rate")}
    totals = Totals(since=since, until=until, current=current)
    if compare:
        before_since, before_until = previous_range(since, until)
        previous = _figures(rows.filter(range_q(before_since, before_until)).aggregate(**_sums()))
        totals.previous = previous
        totals.change = {name: change_percent(current[name], previous[name]) for name in (*SUMMED, "engagements")}
        rate, before = current["engagement_rate"], previous["engagement_rate"]
        totals.change["engagement_rate"] = (
            None if rate is None or before is None else (rate - before).quantize(Decimal("0.01"))
        )
    if daily:
        by_day = {}
        for row in grouped["day"]:
            day = row.pop("day")
            by_day[day if isinstance(day, date) else date.fromisoformat(str(day)[:10])] = row
        series = []
        day = since
        while day <= until:
            series.append({"period_start": day, **(by_day.get(day) or _figures({}))})
            day += timedelta(days=1)
    else:
        series = figures_series(user=user, since=since, until=until, period=period, **scope)

    def ranked(dimension: str) -> list[dict]:
        result = [{k: v for k, v in row.items() if k != "day"} for row in grouped[dimension]]
        result.sort(key=lambda row: (-row["engagements"], str(row["key"])))
        return result

    return Overview(
        totals=totals,
        series=series,
        channels=ranked("channel"),
        departments=ranked("department"),
        themes=ranked("theme"),
    )


# --- posts ----------------------------------------------------------------------------------------


def _engagements_of(prefix: str = "") -> ExpressionWrapper:
    return ExpressionWrapper(
        F(f"{prefix}likes") + F(f"{prefix}comments") + F(f"{prefix}shares") + F(f"{prefix}clicks"),
        output_field=BigIntegerField(),
    )


def _with_deltas(*, user, since: date, until: date, scope: dict, network: str | None, fields: tuple[str, ...]):
    """Publications with a snapshot in the range, each annotated with the growth of ``fields`` in it:
    the latest snapshot up to the range's end minus the latest before it (zero for a publication
    first seen in the range). Correlated subqueries on the (publication, captured_at) index."""
    from publishing.models import Publication

    start, end = day_start(since), day_start(until + timedelta(days=1))
    snapshots = MetricSnapshot.objects.filter(publication=OuterRef("pk")).order_by("-captured_at")
    last = snapshots.filter(captured_at__lt=end)
    before = snapshots.filter(captured_at__lt=start)
    publications = Publication.objects.filter(figures_q(user, "post__department_id")).filter(
        Exists(MetricSnapshot.objects.filter(publication=OuterRef("pk"), captured_at__gte=start, captured_at__lt=end))
    )
    if scope.get("department_ids") is not None:
        publications = publications.filter(post__department_id__in=_ids(scope["department_ids"]))
    if scope.get("channel_ids") is not None:
        publications = publications.filter(channel_id__in=_ids(scope["channel_ids"]))
    if scope.get("campaign_ids") is not None:
        publications = publications.filter(post__campaign_id__in=_ids(scope["campaign_ids"]))
    if scope.get("theme_ids") is not None:
        publications = publications.filter(post__theme_id__in=_ids(scope["theme_ids"]))
    if network:
        publications = publications.filter(channel__network=network)

    def delta(name: str) -> ExpressionWrapper:
        value = _engagements_of() if name == "engagements" else F(name)
        return ExpressionWrapper(
            Coalesce(Subquery(last.annotate(v=value).values("v")[:1]), 0)
            - Coalesce(Subquery(before.annotate(v=value).values("v")[:1]), 0),
            output_field=BigIntegerField(),
        )

    return publications.annotate(**{name: delta(name) for name in fields})


def _related(publications):
    return publications.select_related("post", "post__department", "post__theme", "channel")


def publication_figures(
    *,
    user,
    since: date,
    until: date,
    department_ids=None,
    channel_ids=None,
    campaign_ids=None,
    theme_ids=None,
    network: str | None = None,
    order: str = "-engagements",
    limit: int = 10,
):
    """Publications with activity in the range and their figures in it (engagements, impressions,
    clicks, conversions; see ``_with_deltas``), in one query; ``order`` is ``engagements`` or
    ``engagement_rate`` with an optional ``-``."""
    scope = {
        "department_ids": department_ids,
        "channel_ids": channel_ids,
        "campaign_ids": campaign_ids,
        "theme_ids": theme_ids,
    }
    publications = _with_deltas(
        user=user,
        since=since,
        until=until,
        scope=scope,
        network=network,
        fields=("engagements", "impressions", "clicks", "conversions"),
    )
    descending = order.startswith("-")
    if order.lstrip("-") == "engagement_rate":
        publications = publications.filter(impressions__gt=0).annotate(
            rate=ExpressionWrapper(F("engagements") * Value(1.0) / F("impressions"), output_field=FloatField())
        )
        sort = "rate"
    else:
        sort = "engagements"
    publications = _related(publications).order_by(f"-{sort}" if descending else sort, "-id" if descending else "id")
    rows = list(publications[:limit]) if limit else list(publications)
    for row in rows:
        row.engagement_rate = engagement_rate(row.engagements, row.impressions)
    return rows


def _published_with_figures(*, user, since: date, until: date, scope: dict):
    """Publications that went out in the range, each with its figures to the range's end (the
    latest snapshot before it: engagements and impressions). Candidates come from the publication
    index on ``published_at``, two index probes each: the cost follows the posts of the range, not
    every post that still gathers likes."""
    from publishing.models import Publication

    start, end = day_start(since), day_start(until + timedelta(days=1))
    latest = MetricSnapshot.objects.filter(publication=OuterRef("pk"), captured_at__lt=end).order_by("-captured_at")
    publications = Publication.objects.filter(
        figures_q(user, "post__department_id"), published_at__gte=start, published_at__lt=end
    )
    for key, column in (
        ("department_ids", "post__department_id"),
        ("channel_ids", "channel_id"),
        ("campaign_ids", "post__campaign_id"),
        ("theme_ids", "post__theme_id"),
    ):
        if scope.get(key) is not None:
            publications = publications.filter(**{f"{column}__in": _ids(scope[key])})
    # A post without any snapshot yet has no figures to rank (null, left out).
    return publications.annotate(
        engagements=Subquery(latest.annotate(v=_engagements_of()).values("v")[:1]),
        impressions=Subquery(latest.values("impressions")[:1]),
    ).filter(impressions__isnull=False)


def top_and_bottom_posts(*, user, since: date, until: date, rank: str = "engagements", limit: int = 5, **scope):
    """The ``limit`` posts published in the range that did best and worst, by engagements (or by
    engagement rate, among those with impressions) to the range's end — what a post published then
    achieved, not the trickle an old post still gets. Their figures come in one query, are ranked
    here, and the few shown are fetched with their post and channel (a second query)."""
    from publishing.models import Publication

    figures = list(
        _published_with_figures(user=user, since=since, until=until, scope=scope).values_list(
            "pk", "engagements", "impressions"
        )
    )
    if rank == "engagement_rate":
        figures = [row for row in figures if row[2] > 0]
        ranked = sorted(figures, key=lambda row: (row[1] / row[2], row[0]))
    else:
        ranked = sorted(figures, key=lambda row: (row[1], row[0]))
    top = list(reversed(ranked[-limit:])) if limit else []
    # with fewer than twice ``limit`` posts, the bottom list leaves out those already on top
    bottom = [row for row in ranked[:limit] if row not in top]
    shown = {row[0]: row for row in (*top, *bottom)}
    objects = _related(Publication.objects).in_bulk(list(shown)) if shown else {}

    def rows(chosen):
        result = []
        for pk, engagements, impressions in chosen:
            publication = objects[pk]
            publication.engagements, publication.impressions = engagements, impressions
            publication.engagement_rate = engagement_rate(engagements, impressions)
            result.append(publication)
        return result

    return rows(top), rows(bottom)


# --- filters as the dashboard and the API read them ------------------------------------------------

PRESETS = [
    ("30d", "Last 30 days"),
    ("90d", "Last 90 days"),
    ("quarter", "This quarter"),
    ("12m", "Last 12 months"),
    ("custom", "Custom range"),
]


@dataclass(frozen=True)
class FigureFilters:
    since: date
    until: date
    preset: str = "30d"
    compare: bool = True
    department_ids: tuple[int, ...] | None = None
    channel_ids: tuple[int, ...] | None = None
    campaign_ids: tuple[int, ...] | None = None
    theme_ids: tuple[int, ...] | None = None
    metric: str = "engagements"
    errors: tuple[str, ...] = ()

    @property
    def period(self) -> str:
        return period_for(self.since, self.until)

    @property
    def previous(self) -> tuple[date, date]:
        return previous_range(self.since, self.until)

    def scope(self) -> dict:
        return {
            "department_ids": self.department_ids,
            "channel_ids": self.channel_ids,
            "campaign_ids": self.campaign_ids,
            "theme_ids": self.theme_ids,
        }

    def as_query(self) -> list[tuple[str, str]]:
        """The filters as query parameters (what the page's URL holds)."""
        query = [("range", self.preset)]
        if self.preset == "custom":
            query += [("since", self.since.isoformat()), ("until", self.until.isoformat())]
        query.append(("compare", "1" if self.compare else "0"))
        for name, ids in (
            ("department", self.department_ids),
            ("channel", self.channel_ids),
            ("campaign", self.campaign_ids),
            ("theme", self.theme_ids),
        ):
            query += [(name, str(value)) for value in ids or ()]
        if self.metric != "engagements":
            query.append(("metric", self.metric))
        return query


def preset_range(preset: str, today: date) -> tuple[date, date]:
    if preset == "90d":
        return today - timedelta(days=89), today
    if preset == "quarter":
        return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today
    if preset == "12m":
        return today - timedelta(days=364), today
    return today - timedelta(days=29), today


def _int_list(params, name: str) -> tuple[int, ...] | None:
    values = params.getlist(name) if hasattr(params, "getlist") else params.get(name, [])
    if isinstance(values, str):
        values = [values]
    ids = sorted({int(value) for value in values if str(value).isdigit()})
    return tuple(ids) or None


def filters_from(params, *, user, today: date | None = None) -> FigureFilters:
    """Filters from query parameters. An unknown or malformed value falls back to the default
    (with a note in ``errors``) rather than failing the page. A liaison's departments are always
    narrowed to their own: asking for another department gives theirs."""
    today = today or timezone.localdate()
    errors: list[str] = []
    preset = params.get("range") or "30d"
    if preset not in dict(PRESETS):
        preset = "30d"
    since, until = preset_range(preset, today)
    if preset == "custom" or params.get("since") or params.get("until"):
        try:
            since = date.fromisoformat(params.get("since") or "")
            until = date.fromisoformat(params.get("until") or "") if params.get("until") else today
            preset = "custom"
        except ValueError:
            errors.append("The dates were not understood (use YYYY-MM-DD); showing the last 30 days.")
            preset, (since, until) = "30d", preset_range("30d", today)
        if since > until:
            since, until = until, since
        if (until - since).days > 3 * 366:
            errors.append("A range is at most three years; showing its last three years.")
            since = until - timedelta(days=3 * 366)
    departments = _int_list(params, "department")
    visible = department_ids_visible_to(user)
    if visible is not None and departments is not None:
        # figures_q scopes every query anyway; this keeps the filter to choices the person has
        departments = tuple(sorted(set(departments) & visible)) or None
    metric = params.get("metric") or "engagements"
    return FigureFilters(
        since=since,
        until=until,
        preset=preset,
        compare=params.get("compare", "1") != "0",
        department_ids=departments,
        channel_ids=_int_list(params, "channel"),
        campaign_ids=_int_list(params, "campaign"),
        theme_ids=_int_list(params, "theme"),
        metric=metric if metric in SERIES_METRICS else "engagements",
        errors=tuple(errors),
    )
