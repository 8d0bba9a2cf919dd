"""Crisis pages: who may see and do what, the banner on every page, the declare → resolve →
review flow through the pages, plans with their formsets, publishing's frozen posts and statement
pages, and query counts that stay flat as incidents and plans grow."""

# The crisis fixtures are imported (pytest finds them by name); ruff sees their names reused.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from governance.models import CrisisIncident, CrisisPlan, IncidentUpdate
from governance.services import crisis as services
from publishing.models import Post, Publication
from publishing.services import dispatch
from tests.governance.crisis_fixtures import approved_due, crisis  # noqa: F401 - fixtures


@pytest.fixture
def as_user(client):
    def _as(user):
        client.force_login(user)
        return client

    return _as


# --- who may see --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 200),
        ("member", 200),
        ("leader", 200),
        ("pr_lead", 200),  # a spokesperson named in the plan
        ("approver", 200),  # an escalation contact
        ("liaison_a", 403),
        ("employee", 403),
    ],
)
def test_the_crisis_page_is_for_the_coe_leadership_and_the_people_a_plan_names(crisis, as_user, who, status):
    response = as_user(getattr(crisis, who)).get("/governance/crisis/")
    assert response.status_code == status
    nav = as_user(getattr(crisis, who)).get("/").content.decode()
    assert ('href="/governance/crisis/"' in nav) is (status == 200)


def test_named_people_see_only_their_plans_incidents(crisis, as_user):
    other = services.plan_create(actor=crisis.manager, fields={"name": "Investor plan"})
    theirs = services.incident_declare(
        actor=crisis.manager, plan=other, title="Results leak", severity="high", first_statement="Looking into it."
    )
    ours = crisis.declare()
    client = as_user(crisis.pr_lead)
    assert client.get(ours.get_absolute_url()).status_code == 200
    assert client.get(theirs.get_absolute_url()).status_code == 404
    page = client.get("/governance/crisis/").content.decode()
    assert ours.title in page and "Results leak" not in page and "Investor plan" not in page


def test_the_crisis_page_lists_active_first_plans_and_history(crisis, as_user):
    past = crisis.declare(title="Old outage")
    crisis.resolve(past)
    crisis.declare(title="Live complaint")
    response = as_user(crisis.member).get("/governance/crisis/")
    html = response.content.decode()
    assert html.index("Live complaint") < html.index("Crisis plan") < html.index("Old outage")
    assert 'data-testid="active-incident"' in html and 'data-testid="history-row"' in html
    assert "Declare an incident" not in html  # the member may not declare
    assert "Declare an incident" in as_user(crisis.manager).get("/governance/crisis/").content.decode()


@pytest.mark.parametrize("count", [1, 12])
def test_the_crisis_page_stays_within_a_fixed_number_of_queries(crisis, as_user, count, django_assert_max_num_queries):
    for n in range(count):
        services.plan_create(
            actor=crisis.manager,
            fields={"name": f"Plan {n}", "spokespeople": [crisis.pr_lead]},
            scenarios=[{"name": "A"}, {"name": "B"}],
        )
        incident = crisis.declare(title=f"Incident {n}", channels=[crisis.linkedin, crisis.support])
        if n % 2:
            crisis.resolve(incident)
    client = as_user(crisis.manager)
    client.get("/governance/crisis/")  # warm the cached freeze and named people, as on any page
    with django_assert_max_num_queries(14):
        response = client.get("/governance/crisis/")
    assert response.status_code == 200


def test_history_pages_through_htmx(crisis, as_user):
    for n in range(22):
        crisis.resolve(crisis.declare(title=f"Past {n}"))
    client = as_user(crisis.manager)
    first = client.get("/governance/crisis/").content.decode()
    assert "Page 1 of 2" in first
    partial = client.get("/governance/crisis/?page=2", HTTP_HX_REQUEST="true").content.decode()
    assert "<html" not in partial and partial.count('data-testid="history-row"') == 2


# --- declare, banner, timeline, resolve, review -------------------------------------------------


def test_only_those_who_may_declare_get_the_declare_page(crisis, as_user):
    assert as_user(crisis.manager).get("/governance/crisis/declare/").status_code == 200
    assert as_user(crisis.pr_lead).get("/governance/crisis/declare/").status_code == 200
    for who in ("member", "leader", "liaison_a", "employee"):
        assert as_user(getattr(crisis, who)).get("/governance/crisis/declare/").status_code == 403


def test_a_holding_statement_prefills_the_first_statement(crisis, as_user):
    statement = crisis.plan.holding_statements.get(title="We know")
    client = as_user(crisis.manager)
    page = client.get(f"/governance/crisis/declare/?holding={statement.pk}").content.decode()
    assert "We know [service] is down since [time].</textarea>" in page
    field = client.get(f"/governance/crisis/declare/statement/?holding={statement.pk}", HTTP_HX_REQUEST="true")
    assert "We know [service] is down since [time]." in field.content.decode()
    assert "<html" not in field.content.decode()


def test_declaring_through_the_page_freezes_and_shows_the_banner_everywhere(crisis, as_user):
    outage = crisis.plan.scenarios.get(name="Service outage")
    client = as_user(crisis.manager)
    response = client.post(
        "/governance/crisis/declare/",
        {
            "plan": crisis.plan.pk,
            "scenario": outage.pk,
            "title": "Checkout is down",
            "severity": "",
            "channels": [crisis.linkedin.pk],
            "first_statement": "We know checkout is down since 08:05.",
        },
        follow=True,
    )
    incident = CrisisIncident.objects.get()
    assert response.redirect_chain[-1][0] == incident.get_absolute_url()
    assert not incident.all_channels and list(incident.channels.all()) == [crisis.linkedin]
    assert incident.severity == "high"
    html = response.content.decode()
    assert "Crisis incident active: Checkout is down" in html and "Incident declared" in html
    # Everyone sees a banner; those who follow incidents get its title and a link.
    other = as_user(crisis.liaison_a).get("/").content.decode()
    assert 'data-testid="banner"' in other and "company channels are frozen" in other
    assert "Checkout is down" not in other
    leader = as_user(crisis.leader).get("/").content.decode()
    assert "Crisis incident active: Checkout is down" in leader and incident.get_absolute_url() in leader


def test_a_refused_declaration_shows_the_reason_and_changes_nothing(crisis, as_user):
    response = as_user(crisis.manager).post(
        "/governance/crisis/declare/",
        {"plan": crisis.plan.pk, "title": "Nothing chosen", "severity": "low", "first_statement": "x"},
    )
    assert response.status_code == 200 and "Choose the affected channels" in response.content.decode()
    assert not CrisisIncident.objects.exists()


def test_the_incident_page_shows_the_timeline_and_what_each_may_do(crisis, as_user):
    incident = crisis.declare()
    manager_page = as_user(crisis.manager).get(incident.get_absolute_url()).content.decode()
    assert "Resolve the incident" in manager_page and "Write a statement" in manager_page
    assert f"/publishing/frozen/?incident={incident.pk}" in manager_page
    assert 'data-testid="timeline-entry"' in manager_page and "We know checkout is down" in manager_page
    member_page = as_user(crisis.member).get(incident.get_absolute_url()).content.decode()
    assert "Resolve the incident" not in member_page and "Write a statement" not in member_page
    assert "Add to the timeline" in member_page
    leader_page = as_user(crisis.leader).get(incident.get_absolute_url()).content.decode()
    assert "Add to the timeline" in leader_page  # an escalation contact
    assert as_user(crisis.liaison_a).get(incident.get_absolute_url()).status_code == 403


def test_adding_to_the_timeline_with_htmx_returns_the_timeline(crisis, as_user):
    incident = crisis.declare()
    response = as_user(crisis.member).post(
        f"/governance/crisis/incidents/{incident.pk}/updates/",
        {"kind": "decision", "text": "Ads paused."},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html and "Ads paused." in html
    assert incident.updates.filter(kind=IncidentUpdate.Kind.DECISION).exists()
    refused = as_user(crisis.member).post(f"/governance/crisis/incidents/{incident.pk}/updates/", {"kind": "update"})
    assert refused.status_code == 400


def test_resolve_and_review_through_the_pages(crisis, as_user):
    incident = crisis.declare()
    member = as_user(crisis.member).post(
        f"/governance/crisis/incidents/{incident.pk}/resolve/", {"resolution": "x"}, follow=True
    )
    assert "Only the CoE manager resolves" in member.content.decode()
    assert CrisisIncident.objects.get().is_active
    client = as_user(crisis.manager)
    early = client.post(f"/governance/crisis/incidents/{incident.pk}/review/", {"review_summary": "Early"}, follow=True)
    assert "Resolve the incident first" in early.content.decode()
    response = client.post(
        f"/governance/crisis/incidents/{incident.pk}/resolve/", {"resolution": "Rolled back."}, follow=True
    )
    assert "the freeze has ended" in response.content.decode()
    assert "Crisis incident active" not in response.content.decode()  # the banner is gone
    response = client.post(
        f"/governance/crisis/incidents/{incident.pk}/review/",
        {"review_summary": "Fast and calm.", "review_went_well": "The freeze", "review_to_improve": "Alerts"},
        follow=True,
    )
    incident.refresh_from_db()
    assert incident.review_summary == "Fast and calm." and incident.reviewed_by == crisis.manager
    assert "The post-incident review is recorded" in response.content.decode()


# --- plans --------------------------------------------------------------------------------------


def _formset(prefix: str, rows: list[dict], initial: int = 0) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        data.update({f"{prefix}-{index}-{name}": value for name, value in row.items()})
    return data


def test_the_manager_writes_a_plan_on_one_page(crisis, as_user):
    client = as_user(crisis.manager)
    assert client.get("/governance/crisis/plans/new/").status_code == 200
    data = {
        "name": "Data breach plan",
        "purpose": "Personal data exposed.",
        "spokespeople": [crisis.pr_lead.pk],
        "escalation_contacts": [crisis.leader.pk],
        "shortcut_coe_approvals": "2",
        "is_active": "on",
        **_formset("scenarios", [{"name": "Breach", "default_severity": "critical", "first_steps": "Call IT"}]),
        **_formset("statements", [{"title": "We are investigating", "scenario": "Breach", "text": "Since [time]."}]),
    }
    response = client.post("/governance/crisis/plans/new/", data)
    plan = CrisisPlan.objects.get(name="Data breach plan")
    assert response.status_code == 302 and response.url == f"/governance/crisis/plans/{plan.pk}/"
    assert plan.shortcut_coe_approvals == 2 and plan.holding_statements.get().scenario.name == "Breach"
    detail = client.get(response.url).content.decode()
    assert "We are investigating" in detail and "Call IT" in detail
    # Edit: rename the scenario, drop the statement.
    scenario = plan.scenarios.get()
    statement = plan.holding_statements.get()
    edit = {
        **{k: v for k, v in data.items() if not k.startswith(("scenarios-", "statements-"))},
        **_formset("scenarios", [{"id": scenario.pk, "name": "Breach of data", "default_severity": "high"}], 1),
        **_formset(
            "statements",
            [{"id": statement.pk, "title": "x", "scenario": "", "text": "y", "DELETE": "on"}],
            1,
        ),
    }
    response = client.post(f"/governance/crisis/plans/{plan.pk}/edit/", edit)
    assert response.status_code == 302
    scenario.refresh_from_db()
    assert scenario.name == "Breach of data" and not plan.holding_statements.exists()


def test_plan_pages_are_the_managers_to_edit(crisis, as_user):
    for who in ("member", "pr_lead", "leader"):
        assert as_user(getattr(crisis, who)).get(f"/governance/crisis/plans/{crisis.plan.pk}/edit/").status_code == 403
        assert as_user(getattr(crisis, who)).get(f"/governance/crisis/plans/{crisis.plan.pk}/").status_code == 200
    assert as_user(crisis.liaison_a).get(f"/governance/crisis/plans/{crisis.plan.pk}/").status_code == 403


def test_a_plan_form_error_is_shown_and_changes_nothing(crisis, as_user):
    data = {
        "name": "crisis plan",  # taken, whatever its case
        "shortcut_coe_approvals": "1",
        **_formset("scenarios", []),
        **_formset("statements", []),
    }
    response = as_user(crisis.manager).post("/governance/crisis/plans/new/", data)
    assert response.status_code == 200 and "already exists" in response.content.decode()
    assert CrisisPlan.objects.count() == 1


# --- publishing's pages -------------------------------------------------------------------------


def test_the_frozen_posts_page_offers_release_only_after_the_incident(crisis, approved_due, as_user):
    publication = approved_due(crisis.linkedin)
    incident = crisis.declare()
    dispatch.publications_dispatch_due()
    client = as_user(crisis.manager)
    page = client.get(f"/publishing/frozen/?incident={incident.pk}").content.decode()
    assert 'data-testid="frozen-row"' in page and "Still frozen" in page and "There is no “publish anyway”" in page
    refused = client.post(
        "/publishing/frozen/decide/",
        {"publications": [publication.pk], "decision": "release", "incident": incident.pk},
        follow=True,
    )
    assert "still frozen by the active incident" in refused.content.decode()
    assert Publication.objects.get(pk=publication.pk).status == Publication.Status.HELD
    crisis.resolve(incident)
    response = client.post(
        "/publishing/frozen/decide/",
        {"publications": [publication.pk], "decision": "release", "incident": incident.pk},
        follow=True,
    )
    assert "1 frozen post released" in response.content.decode()
    publication.refresh_from_db()
    assert publication.status == Publication.Status.SCHEDULED and publication.scheduled_at <= timezone.now()


def test_bulk_reschedule_on_the_frozen_posts_page(crisis, approved_due, as_user):
    first, second = approved_due(crisis.linkedin, text="One"), approved_due(crisis.linkedin, text="Two")
    crisis.declare()
    dispatch.publications_dispatch_due()
    when = timezone.localtime(timezone.now() + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    response = as_user(crisis.manager).post(
        "/publishing/frozen/decide/",
        {"publications": [first.pk, second.pk], "decision": "reschedule", "scheduled_at": when},
        follow=True,
    )
    assert "2 frozen posts moved to the new time" in response.content.decode()
    assert set(Publication.objects.filter(pk__in=[first.pk, second.pk]).values_list("status", flat=True)) == {
        "scheduled"
    }


def test_the_frozen_posts_page_is_the_coes(crisis, approved_due, as_user):
    crisis.declare()
    assert as_user(crisis.member).get("/publishing/frozen/").status_code == 200  # reads, cannot decide
    assert "Release ticked" not in as_user(crisis.member).get("/publishing/frozen/").content.decode()
    assert as_user(crisis.member).post("/publishing/frozen/decide/", {"decision": "release"}).status_code == 403
    for who in ("liaison_a", "employee", "pr_lead"):
        assert as_user(getattr(crisis, who)).get("/publishing/frozen/").status_code == 403


def test_the_frozen_posts_page_lists_posts_waiting_on_frozen_channels(crisis, make_post, as_user):
    from publishing.services import workflow

    post = make_post(channels=[crisis.linkedin], submit=True, text="Next week's launch")
    workflow.review_approve(actor=crisis.member, post=post)
    incident = crisis.declare()
    page = as_user(crisis.manager).get(f"/publishing/frozen/?incident={incident.pk}").content.decode()
    assert 'data-testid="upcoming-row"' in page and "Next week&#x27;s launch" in page


def test_a_spokesperson_writes_a_statement_from_a_holding_statement(crisis, as_user):
    incident = crisis.declare(channels=[crisis.linkedin, crisis.support])
    statement = crisis.plan.holding_statements.get(title="We know")
    client = as_user(crisis.pr_lead)
    page = client.get(f"/publishing/crisis/{incident.pk}/statement/?holding={statement.pk}").content.decode()
    assert "We know [service] is down since [time].</textarea>" in page
    assert "Marketing LinkedIn" in page and "Support X" in page and "Marketing Instagram" not in page
    blanks = client.post(
        f"/publishing/crisis/{incident.pk}/statement/",
        {"text": statement.text, "channels": [crisis.linkedin.pk]},
    )
    assert blanks.status_code == 200 and "Fill in the blanks" in blanks.content.decode()
    response = client.post(
        f"/publishing/crisis/{incident.pk}/statement/",
        {"text": "We know checkout is down since 08:05.", "channels": [crisis.linkedin.pk]},
    )
    post = Post.objects.get(crisis_incident=incident)
    assert response.status_code == 302 and response.url == post.get_absolute_url()
    assert client.get(post.get_absolute_url()).status_code == 200  # the author sees it
    frozen = as_user(crisis.manager).get(f"/publishing/frozen/?incident={incident.pk}").content.decode()
    assert 'data-testid="statement-row"' in frozen


def test_only_spokespeople_get_the_statement_page(crisis, as_user):
    incident = crisis.declare()
    for who in ("member", "leader", "approver"):
        assert as_user(getattr(crisis, who)).get(f"/publishing/crisis/{incident.pk}/statement/").status_code == 403
    assert as_user(crisis.liaison_a).get(f"/publishing/crisis/{incident.pk}/statement/").status_code == 404
    crisis.resolve(incident)
    response = as_user(crisis.pr_lead).get(f"/publishing/crisis/{incident.pk}/statement/")
    assert response.status_code == 302 and response.url == incident.get_absolute_url()


@pytest.mark.parametrize("count", [1, 15])
def test_the_frozen_posts_page_stays_within_a_fixed_number_of_queries(
    crisis, approved_due, as_user, count, django_assert_max_num_queries
):
    for n in range(count):
        approved_due(crisis.linkedin if n % 2 else crisis.support, text=f"Held {n}")
    incident = crisis.declare()
    dispatch.publications_dispatch_due()
    crisis.resolve(incident)
    client = as_user(crisis.manager)
    client.get("/")  # warm the layout's cached banners and navigation
    with django_assert_max_num_queries(16):
        response = client.get(f"/publishing/frozen/?incident={incident.pk}")
    assert response.content.decode().count('data-testid="frozen-row"') == count


def test_the_admin_shows_plans_and_incidents_read_only(crisis, as_user):
    incident = crisis.declare()
    client = as_user(crisis.manager)
    assert client.get("/admin/governance/crisisplan/").status_code == 200
    assert client.get(f"/admin/governance/crisisplan/{crisis.plan.pk}/change/").status_code == 200
    page = client.get(f"/admin/governance/crisisincident/{incident.pk}/change/")
    assert page.status_code == 200 and "Save" not in page.content.decode()  # view only
    assert client.get("/admin/governance/crisisincident/add/").status_code == 403
