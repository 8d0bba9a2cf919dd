"""The CoE dashboard (KPI tiles, the time series, top and bottom posts, channel, network, department
and theme comparisons) and its drill-down to the posts behind a chart point or bar. Filters live in
the querystring, so a shared URL shows the same view."""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from analytics import permissions
from analytics.models import Period
from analytics.selectors import figures as selectors
from analytics.selectors.kpis import STATUS_LABELS, kpi_statuses
from coe.models import Department
from publishing.models import Campaign, Channel, ContentTheme

DASHBOARD_AUDIENCE = "The analytics dashboard is for the CoE team, leadership and department liaisons."
POSTS_SHOWN = 5
DRILLDOWN_SHOWN = 100
THEMES_CHARTED = 10  # the best themes by engagement rate on the chart; the table has them all


def _require_dashboard(user) -> None:
    if not permissions.can_view_dashboard(user):
        raise PermissionDenied(DASHBOARD_AUDIENCE)


def filter_choices(user) -> dict:
    """The filter form's choices: departments and channels the person may see, all campaigns."""
    departments = Department.objects.filter(permissions.figures_q(user, "pk")).only("pk", "name").order_by("name")
    channels = (
        Channel.objects.filter(permissions.figures_q(user))
        .only("pk", "name", "network", "department_id")
        .order_by("name")
    )
    return {
        "departments": list(departments),
        "channels": list(channels),
        "campaigns": list(Campaign.objects.only("pk", "name").order_by("name")),
        "presets": selectors.PRESETS,
        "metrics": selectors.SERIES_METRICS,
    }


def _chart_value(value):
    return None if value is None else float(value)


def _series_json(series: list[dict], period: str) -> dict:
    return {
        "period": period,
        "labels": [row["period_start"].isoformat() for row in series],
        "metrics": {
            name: {"label": label, "values": [_chart_value(row[name]) for row in series]}
            for name, label in selectors.SERIES_METRICS.items()
        },
    }


def _bars_json(rows: list[dict]) -> dict:
    return {
        "keys": [row["key"] for row in rows],
        "labels": [str(row["label"]) for row in rows],
        "engagements": [row["engagements"] for row in rows],
        "impressions": [row["impressions"] for row in rows],
        "rate": [_chart_value(row["engagement_rate"]) for row in rows],
    }


def _networks(channel_rows: list[dict]) -> list[dict]:
    """The network comparison, added up from the channel rows (no second query)."""
    from publishing.models import Network

    names = dict(Network.choices)
    totals: dict[str, dict] = {}
    for row in channel_rows:
        network = row.get("network") or ""
        bucket = totals.setdefault(network, {"key": network, "label": names.get(network, network), "channels": 0})
        bucket["channels"] += 1
        for name in (*selectors.SUMMED, "engagements"):
            bucket[name] = bucket.get(name, 0) + row[name]
    result = list(totals.values())
    for row in result:
        row["engagement_rate"] = selectors.engagement_rate(row["engagements"], row["impressions"])
    result.sort(key=lambda row: -row["engagements"])
    return result


@require_GET
def dashboard(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_dashboard(user)
    filters = selectors.filters_from(request.GET, user=user)
    scope = filters.scope()
    period = filters.period
    overview = selectors.figures_overview(
        user=user, since=filters.since, until=filters.until, period=period, compare=filters.compare, **scope
    )
    totals, series = overview.totals, overview.series
    choices = filter_choices(user)
    channels = {channel.pk: channel for channel in choices["channels"]}
    channel_rows = [
        {**row, "label": channels[row["key"]].name, "network": channels[row["key"]].network}
        for row in overview.channels
        if row["key"] in channels
    ]
    departments = {department.pk: department.name for department in choices["departments"]}
    department_rows = [{**row, "label": departments.get(row["key"], "—")} for row in overview.departments]
    themes = dict(
        ContentTheme.objects.filter(pk__in=[row["key"] for row in overview.themes if row["key"]]).values_list(
            "pk", "name"
        )
    )
    theme_rows = [{**row, "label": themes.get(row["key"], "—")} for row in overview.themes if row["key"] is not None]
    theme_rows.sort(key=lambda row: -(row["engagement_rate"] or 0))
    rank = request.GET.get("rank") if request.GET.get("rank") in {"engagements", "engagement_rate"} else "engagements"
    top_posts, bottom_posts = selectors.top_and_bottom_posts(
        user=user, since=filters.since, until=filters.until, rank=rank, limit=POSTS_SHOWN, **scope
    )
    query = filters.as_query()
    statuses = kpi_statuses(user=user, on=min(filters.until, timezone.localdate()), periods_back=5)
    context = {
        "filters": filters,
        "totals": totals,
        "series": series,
        "period": period,
        "period_label": dict(Period.choices)[period].lower(),
        "channel_rows": channel_rows,
        "network_rows": _networks(channel_rows),
        "department_rows": department_rows,
        "theme_rows": theme_rows,
        "top_posts": top_posts,
        "bottom_posts": bottom_posts,
        "rank": rank,
        "kpi_statuses": statuses,
        "status_labels": STATUS_LABELS,
        "query": urlencode(query),
        # the drill-down of one bar or row replaces that filter rather than adding to it
        "queries_without": {
            name: urlencode([(key, value) for key, value in query if key != name])
            for name in ("department", "channel", "theme")
        },
        "chart_data": {
            "series": _series_json(series, period),
            "metric": filters.metric,
            "departments": _bars_json(department_rows),
            "themes": _bars_json(theme_rows[:THEMES_CHARTED]),
            "drilldown": reverse("analytics:drilldown") + "?" + urlencode(query),
        },
        "selected": {
            "department": set(filters.department_ids or ()),
            "channel": set(filters.channel_ids or ()),
            "campaign": set(filters.campaign_ids or ()),
        },
        "can_manage": permissions.can_manage_analytics(user),
        **choices,
    }
    return render(request, "analytics/dashboard.html", context)


@require_GET
def drilldown(request: HttpRequest) -> HttpResponse:
    """The publications behind one chart point (``point`` + ``period``: a day, week or month) or one
    bar (``department``/``channel``/``theme`` with the range), with their figures in it."""
    user = request.user
    _require_dashboard(user)
    filters = selectors.filters_from(request.GET, user=user)
    since, until = filters.since, filters.until
    point_period = request.GET.get("period") if request.GET.get("period") in Period.values else None
    point = None
    if request.GET.get("point"):
        try:
            point = date.fromisoformat(request.GET["point"])
        except ValueError as exc:
            raise Http404("That chart point is not a date.") from exc
        point_period = point_period or Period.DAY
        since = Period(point_period).start_of(point)
        until = Period(point_period).end_of(point)
    scope = filters.scope()
    publications = selectors.publication_figures(
        user=user, since=since, until=until, **scope, order="-engagements", limit=DRILLDOWN_SHOWN
    )
    totals = selectors.figures_totals(user=user, since=since, until=until, compare=False, **scope)
    back_query = urlencode(filters.as_query())
    context = {
        "filters": filters,
        "since": since,
        "until": until,
        "point": point,
        "point_period": point_period,
        "themes_named": list(
            ContentTheme.objects.filter(pk__in=filters.theme_ids or ()).values_list("name", flat=True)
        ),
        "departments_named": list(
            Department.objects.filter(pk__in=filters.department_ids or ()).values_list("name", flat=True)
        ),
        "channels_named": list(
            Channel.objects.filter(permissions.figures_q(user), pk__in=filters.channel_ids or ()).values_list(
                "name", flat=True
            )
        ),
        "publications": publications,
        "shown": DRILLDOWN_SHOWN,
        "totals": totals,
        "back_query": back_query,
    }
    template = "analytics/partials/_drilldown_body.html" if request.htmx else "analytics/drilldown.html"
    return render(request, template, context)
