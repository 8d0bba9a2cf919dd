"""The pages: My learning (assigned first, overdue in red, progress, the catalogue by level,
certificates), the home panel and the Training menu entry, the CoE's assignments pages, the
training report with its CSV exports — who may not, and query counts that stay flat."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from coe.models import User
from tests.coe.factories import DepartmentFactory, UserFactory
from tests.training.assignment_helpers import assign, attempt, backdate, certificate
from tests.training.quiz_helpers import make_module, make_track
from training.models import Assignment, Lesson, LessonRead, Level, Question
from training.services import assignments as services

DAY = timedelta(days=1)


@pytest.fixture(autouse=True)
def _long_standing(people):
    User.objects.update(date_joined=timezone.now() - 400 * DAY)


@pytest.fixture
def curriculum(people):
    """A foundation and an advanced module (two lessons each), the Social Publisher track of both."""
    policy = make_module("Social media policy")
    selling = make_module("Social selling and pipeline")
    selling.level = Level.ADVANCED
    selling.save()
    for module in (policy, selling):
        for position in (1, 2):
            Lesson.objects.create(module=module, position=position, title=f"Lesson {position}", body="Read me.")
    track = make_track("Social Publisher", [policy])
    return policy, selling, track


def _csv(response) -> list[list[str]]:
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(body)))


# --- My learning ---------------------------------------------------------------------------------


def test_my_learning_shows_assigned_training_first_with_overdue_in_red(client, people, curriculum):
    policy, selling, track = curriculum
    overdue = assign(people.member, module=policy, user=people.employee, due_in_days=1)
    backdate(overdue, days=10)
    type(overdue).objects.filter(pk=overdue.pk).update(due_on=timezone.localdate() - 2 * DAY)
    LessonRead.objects.create(user=people.employee, lesson=policy.lessons.first())
    client.force_login(people.employee)
    html = client.get(reverse("training:my_learning")).content.decode()
    assigned = html.split('data-testid="assigned"')[1].split('data-testid="certificates"')[0]
    assert "Social media policy" in assigned and 'data-status="overdue"' in assigned
    assert "text-danger" in assigned and "was due" in assigned
    assert 'aria-valuenow="33"' in assigned  # one lesson of two, then the quiz
    optional = html.split('data-testid="optional"')[1]
    assert "Advanced" in optional and "Social selling and pipeline" in optional
    assert "Social media policy" not in optional  # it is assigned, so not repeated


def test_my_learning_lists_certificates_with_their_state(client, people, curriculum):
    policy, selling, track = curriculum
    held = certificate(people.employee, track, expires_in_days=10)
    client.force_login(people.employee)
    html = client.get(reverse("training:my_learning")).content.decode()
    assert 'data-state="expiring"' in html
    assert reverse("training:certificate_detail", args=[held.code]) in html


def test_coe_staff_get_links_to_authoring_assignments_and_the_report(client, people, curriculum):
    client.force_login(people.member)
    html = client.get(reverse("training:my_learning")).content.decode()
    for name in ("training:author_modules", "training:assignments", "training:report"):
        assert f'href="{reverse(name)}"' in html
    client.force_login(people.employee)
    html = client.get(reverse("training:my_learning")).content.decode()
    assert f'href="{reverse("training:assignments")}"' not in html


def test_everyone_signed_in_has_the_training_menu_and_the_home_panel(client, people, curriculum):
    policy, *_ = curriculum
    assign(people.member, module=policy, department=people.marketing, due_in_days=2)
    client.force_login(people.employee)
    home = client.get(reverse("home")).content.decode()
    assert f'href="{reverse("training:my_learning")}">Training</a>' in home
    panel = home.split('data-testid="training-panel"')[1].split("</section>")[0]
    assert "Social media policy" in panel and "Due soon" in panel
    client.force_login(people.leader)  # nothing assigned: no panel, but the menu
    home = client.get(reverse("home")).content.decode()
    assert 'data-testid="training-panel"' not in home and ">Training</a>" in home


def _learning_queries(client, person) -> int:
    client.get(reverse("training:my_learning"))  # sessions and permissions warmed
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("training:my_learning")).status_code == 200
    return len(captured)


def _more_learning(people, n: int) -> None:
    for i in range(n):
        module = make_module(f"Extra {n}-{i}")
        Lesson.objects.create(module=module, position=1, title="One", body="Read me.")
        LessonRead.objects.create(user=people.employee, lesson=module.lessons.get())
        attempt(people.employee, module, score=40)
        attempt(people.employee, module, score=90)
        track = make_track(f"Extra track {n}-{i}", [module])
        certificate(people.employee, track)
        assign(people.member, module=module, user=people.employee)
        assign(people.member, track=track, department=people.marketing)


def test_my_learning_query_count_does_not_grow(client, people, curriculum):
    client.force_login(people.employee)
    _more_learning(people, 1)
    small = _learning_queries(client, people.employee)
    _more_learning(people, 5)
    assert _learning_queries(client, people.employee) == small
    assert small <= 30


# --- the assignments pages -------------------------------------------------------------------------


def test_the_assignments_page_is_for_the_coe(client, people, curriculum):
    policy, *_ = curriculum
    assignment = assign(people.member, module=policy, department=people.marketing)
    for who in ("liaison_a", "employee", "leader"):
        client.force_login(getattr(people, who))
        assert client.get(reverse("training:assignments")).status_code == 403
        assert client.get(reverse("training:assignment_detail", args=[assignment.pk])).status_code == 403
        assert client.get(reverse("training:assignment_create")).status_code == 403
    client.force_login(people.member)
    html = client.get(reverse("training:assignments")).content.decode()
    row = html.split('data-testid="assignment-row"')[1]
    assert "everyone in Marketing" in row and 'data-testid="audience">2<' in row


def test_assign_from_the_form_then_change_and_cancel(client, people, curriculum):
    policy, selling, track = curriculum
    client.force_login(people.member)
    due = (timezone.localdate() + 14 * DAY).isoformat()
    response = client.post(
        reverse("training:assignment_create"),
        {"target": f"track:{track.pk}", "audience": f"department:{people.marketing.pk}", "due_on": due,
         "days_for_newcomers": 30, "note": "Needed to post on the company pages."},
    )  # fmt: skip
    assignment = Assignment.objects.get()
    assert response.status_code == 302 and response.url == reverse("training:assignment_detail", args=[assignment.pk])
    detail = client.get(response.url).content.decode()
    assert detail.count('data-testid="person-row"') == 2 and "Needed to post" in detail
    again = client.post(
        reverse("training:assignment_create"),
        {"target": f"track:{track.pk}", "audience": f"department:{people.marketing.pk}", "due_on": due,
         "days_for_newcomers": 30},
    )  # fmt: skip
    assert again.status_code == 200 and "already assigned to everyone in Marketing" in again.content.decode()
    both = client.post(
        reverse("training:assignment_create"),
        {"target": f"module:{policy.pk}", "audience": f"department:{people.marketing.pk}", "person": people.leader.pk,
         "due_on": due, "days_for_newcomers": 30},
    )  # fmt: skip
    assert "one of them" in both.content.decode()
    later = (timezone.localdate() + 30 * DAY).isoformat()
    edit = client.post(
        reverse("training:assignment_edit", args=[assignment.pk]),
        {"due_on": later, "days_for_newcomers": 30, "note": "Needed to post on the company pages."},
    )
    assert edit.status_code == 302
    assignment.refresh_from_db()
    assert assignment.due_on.isoformat() == later
    client.post(reverse("training:assignment_cancel", args=[assignment.pk]), {"reason": "Merged into onboarding."})
    assignment.refresh_from_db()
    assert not assignment.is_active


def test_the_people_of_an_assignment_and_their_csv(client, people, curriculum):
    policy, *_ = curriculum
    assignment = assign(people.member, module=policy, department=people.marketing, due_in_days=1)
    backdate(assignment, days=5)
    attempt(people.liaison_a, policy, score=100)
    client.force_login(people.manager)
    done = client.get(reverse("training:assignment_detail", args=[assignment.pk]), {"status": "done"}).content.decode()
    assert done.count('data-testid="person-row"') == 1 and 'data-status="done"' in done
    rows = _csv(client.get(reverse("training:assignment_detail", args=[assignment.pk]), {"format": "csv"}))
    assert rows[0][:6] == ["name", "username", "email", "departments", "due_on", "status"]
    assert sorted(row[5] for row in rows[1:]) == ["Done", "Due soon"]


def test_the_assignments_list_query_count_does_not_grow(client, people, curriculum, django_assert_max_num_queries):
    client.force_login(people.member)
    policy, selling, track = curriculum
    assign(people.member, module=policy, department=people.marketing)
    client.get(reverse("training:assignments"))
    with CaptureQueriesContext(connection) as small:
        client.get(reverse("training:assignments"))
    for n in range(6):
        department = DepartmentFactory(name=f"Team {n}")
        UserFactory(username=f"t{n}", departments=[department])
        assign(people.member, module=selling, department=department)
    with django_assert_max_num_queries(len(small)):
        assert client.get(reverse("training:assignments")).status_code == 200


# --- the report page -----------------------------------------------------------------------------


def test_the_report_is_for_the_coe_and_leadership(client, people, curriculum):
    policy, *_ = curriculum
    assign(people.member, module=policy, department=people.marketing)
    for who in ("liaison_a", "employee", "approver"):
        client.force_login(getattr(people, who))
        assert client.get(reverse("training:report")).status_code == 403
        assert client.get(reverse("training:report_export"), {"section": "modules"}).status_code == 403
    for who in ("manager", "leader"):
        client.force_login(getattr(people, who))
        html = client.get(reverse("training:report")).content.decode()
        assert 'data-testid="report-summary"' in html and "Social media policy" in html


def test_the_report_filters_swap_the_body_and_export_csv(client, people, curriculum):
    policy, selling, _ = curriculum
    assign(people.member, module=policy, department=people.marketing)
    attempt(people.employee, policy, score=90)
    client.force_login(people.member)
    partial = client.get(reverse("training:report"), {"department": "marketing"}, HTTP_HX_REQUEST="true")
    html = partial.content.decode()
    assert "<html" not in html and 'data-testid="report-department"' in html and html.count("report-department") == 1
    for section, first_column in [
        ("assignments", "what"),
        ("modules", "module"),
        ("departments", "department"),
        ("questions", "module"),
        ("overdue", "name"),
    ]:
        response = client.get(reverse("training:report_export"), {"section": section, "department": "marketing"})
        assert response["Content-Type"].startswith("text/csv")
        assert _csv(response)[0][0] == first_column
    modules = _csv(client.get(reverse("training:report_export"), {"section": "modules"}))
    policy_row = next(row for row in modules if row[0] == "Social media policy")
    assert policy_row[3:10] == ["1", "1", "2", "1", "50", "1", "90.0"]


def test_questions_appear_on_the_report_page(client, people, curriculum):
    policy, *_ = curriculum
    questions = list(Question.objects.filter(module=policy))
    for i in range(5):
        attempt(UserFactory(username=f"l{i}"), policy, score=0, answers=dict.fromkeys(questions, False))
    client.force_login(people.manager)
    html = client.get(reverse("training:report")).content.decode()
    assert html.count('data-testid="hard-question"') == len(questions)


def test_services_label_audiences_in_words(people, curriculum):
    policy, *_ = curriculum
    assert services.audience_label(assign(people.member, module=policy, user=people.leader)) == str(people.leader)
