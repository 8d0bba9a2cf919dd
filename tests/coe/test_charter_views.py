"""The charter pages: who sees what, drafting and approving through the pages, the diff page, the
objectives pages, the analytics KPI status on the charter, flat query counts."""

import pytest
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from coe.models import CharterVersion, Objective
from tests.analytics.factories import KpiFactory, KpiTargetFactory
from tests.coe.factories import UserFactory
from tests.coe.factories_charter import CharterVersionFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db

EVERYONE = ["manager", "member", "liaison_a", "liaison_b", "approver", "employee", "leader"]


@pytest.fixture
def charter(people):
    CharterVersionFactory(number=1, status=CharterVersion.Status.SUPERSEDED, vision="Be part of the conversation.")
    current = CharterVersionFactory(
        number=2,
        status=CharterVersion.Status.APPROVED,
        vision="Be part of every conversation.",
        approved_by=people.manager,
        approved_at=timezone.now(),
        change_note="Every department publishes now.",
    )
    CharterVersionFactory(number=3, vision="Secret draft vision.")
    return current


def test_anonymous_is_sent_to_sign_in(client):
    for url in ["/coe/charter/", "/coe/charter/versions/1/", "/coe/charter/diff/", "/coe/charter/objectives/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("who", EVERYONE)
def test_everyone_reads_the_current_charter_and_its_history(client, people, charter, who):
    client.force_login(getattr(people, who))
    html = client.get(reverse("coe:charter")).content.decode()
    assert "Be part of every conversation." in html
    assert "Every department publishes now." in html
    assert 'data-testid="coe-subnav"' in html
    assert client.get(reverse("coe:charter_version", args=[1])).status_code == 200
    diff = client.get(reverse("coe:charter_diff") + "?from=1&to=2").content.decode()
    assert "<ins" in diff and "every" in diff
    manager = who == "manager"
    assert ("Start a new version" in html or "Edit draft v3" in html) is manager
    # drafts are the manager's: anyone else gets 404 for it
    assert client.get(reverse("coe:charter_version", args=[3])).status_code == (200 if manager else 404)
    assert ("Secret draft vision." in html) is False


def test_manager_drafts_edits_and_approves_through_the_pages(client, people, charter):
    CharterVersion.objects.filter(number=3).delete()
    client.force_login(people.manager)
    response = client.post(reverse("coe:charter_version_start"))
    assert response.status_code == 302
    draft = CharterVersion.objects.get(number=3)
    assert draft.vision == "Be part of every conversation."
    form = client.get(reverse("coe:charter_version_edit", args=[3])).content.decode()
    assert "nothing about tools" in form
    data = {name: getattr(draft, name) for name, _ in CharterVersion.SECTIONS}
    data.update(vision="Be part of every conversation, in every department.", change_note="Departments.")
    assert client.post(reverse("coe:charter_version_edit", args=[3]), data).status_code == 302
    assert client.post(reverse("coe:charter_version_approve", args=[3])).status_code == 302
    assert CharterVersion.objects.get(status=CharterVersion.Status.APPROVED).number == 3
    # history never changes
    response = client.post(reverse("coe:charter_version_edit", args=[2]), data)
    assert response.status_code == 302
    assert CharterVersion.objects.get(number=2).vision == "Be part of every conversation."


@pytest.mark.parametrize("who", ["member", "liaison_a", "employee", "leader"])
def test_others_cannot_draft_or_approve(client, people, charter, who):
    client.force_login(getattr(people, who))
    assert client.post(reverse("coe:charter_version_start")).status_code == 403
    assert client.post(reverse("coe:charter_version_approve", args=[3])).status_code == 403
    assert client.get(reverse("coe:charter_version_edit", args=[3])).status_code == 403


@pytest.mark.parametrize("who, status", [("manager", 200), ("member", 200), ("liaison_a", 403), ("leader", 403)])
def test_objective_pages_for_coe_staff(client, people, who, status):
    objective = ObjectiveFactory(title="Grow awareness")
    client.force_login(getattr(people, who))
    assert client.get(reverse("coe:objective_list")).status_code == status
    assert client.get(reverse("coe:objective_edit", args=[objective.pk])).status_code == status
    response = client.post(
        reverse("coe:objective_create"),
        {"title": "Answer in 4 h", "period_start": "2026-01-01", "period_end": "2026-06-30",
         "department": people.service.pk, "owner": people.liaison_b.pk},
    )  # fmt: skip
    assert response.status_code == (302 if status == 200 else 403)
    assert Objective.objects.filter(title="Answer in 4 h").exists() is (status == 200)
    response = client.post(reverse("coe:objective_deactivate", args=[objective.pk]), {"active": "0"})
    objective.refresh_from_db()
    assert objective.is_active is (status != 200)


def test_objective_form_refuses_a_backwards_period(client, people):
    client.force_login(people.manager)
    response = client.post(
        reverse("coe:objective_create"), {"title": "X", "period_start": "2026-06-01", "period_end": "2026-01-01"}
    )
    assert response.status_code == 200 and "on or after its start" in response.content.decode()


def test_charter_shows_kpi_status_only_to_those_who_see_figures(client, people, charter):
    objective = ObjectiveFactory(title="Grow awareness of the brand")
    kpi = KpiFactory(name="Monthly impressions", objective=objective)
    KpiTargetFactory(kpi=kpi, target=1000)
    client.force_login(people.leader)
    html = client.get(reverse("coe:charter")).content.decode()
    assert "Grow awareness of the brand" in html and "Monthly impressions" in html
    assert "No figures yet" in html
    client.force_login(people.employee)
    html = client.get(reverse("coe:charter")).content.decode()
    assert "Grow awareness of the brand" in html and "Monthly impressions" not in html


def _grow(n, people):
    start = CharterVersion.objects.count()
    for index in range(n):
        CharterVersionFactory(number=100 + start + index, status=CharterVersion.Status.SUPERSEDED)
        objective = ObjectiveFactory(owner=people.member, department=people.marketing)
        KpiTargetFactory(kpi=KpiFactory(objective=objective))


def test_charter_page_query_count_is_flat(client, people, charter, django_assert_max_num_queries):
    client.force_login(people.manager)
    _grow(2, people)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("coe:charter")).status_code == 200
    _grow(15, people)
    with django_assert_max_num_queries(20):
        assert client.get(reverse("coe:charter")).status_code == 200


def test_department_pages_carry_the_coe_subnav(client, people):
    client.force_login(people.employee)
    html = client.get(reverse("coe:department_list")).content.decode()
    assert 'data-testid="coe-subnav"' in html
    assert reverse("coe:charter") in html and reverse("coe:library") in html
    # the employee sees no CoE records: no Maturity / Steering / Tech stack entries
    assert ">Steering<" not in html and ">Tech stack<" not in html


def test_top_bar_has_coe_instead_of_departments(client, people):
    client.force_login(UserFactory(username="someone", role="employee"))
    html = client.get("/").content.decode()
    assert f'href="{reverse("coe:charter")}"' in html


def test_objective_kpi_status_is_scoped_to_the_figures_one_sees(people):
    from coe.extensions import objective_statuses

    objective = ObjectiveFactory()
    company = KpiFactory(name="Company impressions", objective=objective)
    marketing = KpiFactory(name="Marketing clicks", objective=objective, department=people.marketing, metric="clicks")
    service = KpiFactory(name="Service rate", objective=objective, department=people.service)
    KpiTargetFactory(kpi=marketing, target=100)

    def names(user):
        return sorted(row["name"] for row in objective_statuses(user, [objective.pk])[objective.pk])

    assert names(people.leader) == sorted([company.name, marketing.name, service.name])
    assert names(people.liaison_a) == [marketing.name]
    assert names(people.employee) == []
    row = next(
        r for r in objective_statuses(people.member, [objective.pk])[objective.pk] if r["name"] == marketing.name
    )
    assert row["status"] == "no_data" and row["url"] == reverse("analytics:kpis") and row["target"] is not None


def test_manager_sees_every_coe_programme_page_in_the_subnav(client, people):
    from coe.templatetags.coe_tags import COE_SUBNAV

    client.force_login(people.manager)
    html = client.get(reverse("coe:charter")).content.decode()
    for label, url_name, _ in COE_SUBNAV:
        try:
            url = reverse(url_name)
        except NoReverseMatch:  # an area not built yet is skipped
            continue
        assert f'href="{url}"' in html, label
