"""Listening pages: volume and sentiment per topic with the open alerts and the latest mentions
(CoE staff), the paged mention list, dismissing an alert or declaring a crisis incident from it,
topics (with a live test of their terms) and the mentions CSV upload."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from analytics import permissions
from analytics.forms.listening import MentionImportForm, TopicForm
from analytics.models import ListeningAlert, ListeningTopic
from analytics.selectors import listening as selectors
from analytics.services import listening as services
from coe.errors import DomainError
from coe.forms import form_add_domain_error
from governance import permissions as governance_permissions
from governance.forms.crisis import IncidentDeclareForm
from governance.selectors import crisis as crisis_selectors

MENTIONS_PER_PAGE = 25
PREVIEW_SHOWN = 10


def _require_view(user) -> None:
    if not permissions.can_view_listening(user):
        raise PermissionDenied("Social listening is for the CoE team.")


def _require_manage(user) -> None:
    if not permissions.can_manage_listening(user):
        raise PermissionDenied("Only the CoE team sets up listening topics and handles alerts.")


def _int(value) -> int | None:
    return int(value) if str(value or "").isdigit() else None


def _moment(value):
    """A time from the address (ISO 8601), or None when missing or not a time."""
    try:
        return services.parse_moment(value) if value else None
    except ValueError:
        return None


def _alert(user, pk: int) -> ListeningAlert:
    alert = selectors.alerts_visible_to(user).filter(pk=pk).first()
    if alert is None:
        raise Http404("No such alert.")
    return alert


def _topic(user, pk: int) -> ListeningTopic:
    topic = selectors.topics_visible_to(user).filter(pk=pk).first()
    if topic is None:
        raise Http404("No such topic.")
    return topic


@require_GET
def listening(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view(user)
    range_key = request.GET.get("range") if request.GET.get("range") in selectors.RANGES else selectors.DEFAULT_RANGE
    overview = selectors.listening_overview(user=user, range_key=range_key)
    context = {
        "overview": overview,
        "range_key": range_key,
        "ranges": [(key, label) for key, (label, _) in selectors.RANGES.items()],
        "charts": {str(item.topic.pk): item.chart() for item in overview.topics},
        "can_manage": permissions.can_manage_listening(user),
        "can_declare": governance_permissions.can_declare_some_incident(user),
        "sentiment_window": selectors.SENTIMENT_WINDOW_HOURS,
    }
    return render(request, "analytics/listening.html", context)


@require_GET
def listening_mentions(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view(user)
    topic_id = _int(request.GET.get("topic"))
    sentiment = (
        request.GET.get("sentiment") if request.GET.get("sentiment") in {"positive", "neutral", "negative"} else ""
    )
    since, until = _moment(request.GET.get("since")), _moment(request.GET.get("until"))
    mentions = selectors.mentions_filtered(user=user, topic_id=topic_id, sentiment=sentiment, since=since, until=until)
    page = Paginator(mentions, MENTIONS_PER_PAGE).get_page(request.GET.get("page"))
    kept = {
        "topic": topic_id or "",
        "sentiment": sentiment,
        "since": since.isoformat() if since else "",
        "until": until.isoformat() if until else "",
    }
    context = {
        "page": page,
        "topics": selectors.topics_visible_to(user),
        "topic_id": topic_id,
        "sentiment": sentiment,
        "since": since,
        "until": until,
        "query": urlencode({k: v for k, v in kept.items() if v}),
    }
    return render(request, "analytics/listening_mentions.html", context)


@require_POST
def listening_alert_dismiss(request: HttpRequest, pk: int) -> HttpResponse:
    user = request.user
    _require_view(user)
    alert = _alert(user, pk)
    try:
        services.alert_dismiss(actor=user, alert=alert)
    except DomainError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, f"Alert dismissed: {services.alert_summary(alert)}.")
    return redirect("analytics:listening")


@require_http_methods(["GET", "POST"])
def listening_alert_declare(request: HttpRequest, pk: int) -> HttpResponse:
    """A crisis incident from an alert: the declare form, prefilled from the alert."""
    user = request.user
    _require_view(user)
    alert = _alert(user, pk)
    _require_manage(user)
    if not governance_permissions.can_declare_some_incident(user):
        raise PermissionDenied("Only the CoE manager or a spokesperson named in a crisis plan declares an incident.")
    if alert.status == ListeningAlert.Status.INCIDENT and alert.incident_id:
        messages.info(request, "A crisis incident was already declared from this alert.")
        return redirect(alert.incident)
    plans = crisis_selectors.plans_for_declaring(user=user)
    initial = services.alert_incident_defaults(alert)
    if plans.count() == 1:
        initial["plan"] = plans.first()
    form = IncidentDeclareForm(request.POST or None, plans=plans, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            incident = services.alert_open_incident(
                actor=user,
                alert=alert,
                title=data["title"],
                severity=data["severity"],
                first_statement=data["first_statement"],
                plan=data["plan"],
                scenario=data["scenario"],
                all_channels=data["all_channels"],
                channels=list(data["channels"]),
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            messages.warning(
                request,
                "Incident declared from the listening alert. Publishing is frozen on "
                f"{'every channel' if incident.all_channels else 'the affected channels'}; everyone on the "
                "escalation list has been alerted.",
            )
            return redirect(incident)
    context = {
        "form": form,
        "alert": alert,
        "explanation": services.alert_explanation(alert),
        "holding_statements": crisis_selectors.holding_statements_for(user=user, plan_ids=plans.values("pk")),
    }
    return render(request, "analytics/listening_declare.html", context)


@require_GET
def listening_topics(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_view(user)
    context = {"topics": selectors.topics_visible_to(user), "can_manage": permissions.can_manage_listening(user)}
    return render(request, "analytics/listening_topics.html", context)


def _topic_fields(form: TopicForm) -> dict:
    return {name: form.cleaned_data[name] for name in form.fields}


@require_http_methods(["GET", "POST"])
def listening_topic_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    user = request.user
    _require_view(user)
    topic = _topic(user, pk) if pk else None
    _require_manage(user)
    initial = {name: getattr(topic, name) for name in TopicForm.base_fields} if topic else None
    form = TopicForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            if topic is None:
                topic = services.topic_create(actor=user, fields=_topic_fields(form))
                messages.success(request, f"Listening for “{topic}”.")
            else:
                topic = services.topic_update(actor=user, topic=topic, changes=_topic_fields(form))
                messages.success(request, f"“{topic}” saved; recent mentions were matched again.")
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            return redirect("analytics:listening_topics")
    return render(request, "analytics/listening_topic_form.html", {"form": form, "topic": topic})


@require_POST
def listening_topic_preview(request: HttpRequest) -> HttpResponse:
    """htmx: which of the recent mentions the terms being typed would match."""
    user = request.user
    _require_manage(user)
    matcher = services.TopicMatcher.build(
        any_terms=request.POST.get("any_terms", ""),
        all_terms=request.POST.get("all_terms", ""),
        exclude_terms=request.POST.get("exclude_terms", ""),
    )
    recent = selectors.recent_mentions_for_preview()
    hits = [row for row in recent if matcher.matches(row[1])]
    context = {
        "hits": hits[:PREVIEW_SHOWN],
        "count": len(hits),
        "tried": len(recent),
        "has_terms": matcher.any_re is not None or bool(matcher.all_res),
    }
    return render(request, "analytics/partials/_listening_preview.html", context)


@require_http_methods(["GET", "POST"])
def mentions_import(request: HttpRequest) -> HttpResponse:
    user = request.user
    _require_manage(user)
    form = MentionImportForm(request.POST or None, request.FILES or None)
    report = None
    if request.method == "POST" and form.is_valid():
        try:
            report = services.mentions_import_csv(
                actor=user, file=form.cleaned_data["file"], mode=form.cleaned_data["mode"]
            )
        except DomainError as error:
            form_add_domain_error(form, error)
        else:
            if report.created or report.duplicates:
                messages.success(
                    request,
                    f"{report.created} mention{'s' if report.created != 1 else ''} imported"
                    f"{f', {report.duplicates} already known' if report.duplicates else ''}.",
                )
            elif report.bad_rows:
                messages.error(request, "Nothing was imported: fix the rows below and upload the file again.")
    context = {"form": form, "report": report, "columns": services.MENTION_COLUMNS}
    return render(request, "analytics/mentions_import.html", context)
