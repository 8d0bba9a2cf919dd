"""The policy pages: reading and accepting (plain POST and htmx), sanitized Markdown rendered once,
drafts only for the CoE, the manager's publishing, diffs, the compliance report and its CSV, the
home panel, and query counts that stay flat as people grow."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from coe.models import Department, User
from coe.roles import Role
from governance import policy_text
from governance.models import Acknowledgment, Policy, PolicyCategory, PolicyVersion
from governance.services import policies as services
from tests.governance.policy_helpers import SMP_TEXT, make_policy, new_version

MALICIOUS = """\
## Disclosure {#disclosure}

Hello <script>alert('stolen')</script> and <img src="x" onerror="alert(1)">.

[Click me](javascript:alert(document.cookie)) and <a href="https://example.com" onclick="evil()">a link</a>.

<iframe src="https://evil.example"></iframe><style>body{display:none}</style>
"""


@pytest.fixture
def smp(people):
    return make_policy(people.member, publish_as=people.manager)


def _html(response) -> str:
    return response.content.decode()


# --- reading ------------------------------------------------------------------------------------


def test_everyone_sees_their_policies_with_what_to_do_first(client, people, smp):
    brand = make_policy(
        people.member,
        title="Brand guidelines",
        category=PolicyCategory.BRAND,
        audience_everyone=False,
        audience_departments=[people.service],
        publish_as=people.manager,
    )
    disclosure = make_policy(
        people.member, title="Disclosure", category=PolicyCategory.DISCLOSURE, publish_as=people.manager
    )
    services.acknowledgment_record(actor=people.employee, version=disclosure.current_version)
    client.force_login(people.employee)
    html = _html(client.get("/governance/policies/"))
    statuses = [(line.split('data-status="')[1].split('"')[0]) for line in html.split('data-testid="my-policy"')[1:]]
    assert statuses == ["pending", "acknowledged", "not_in_audience"]
    assert "Every policy" not in html and "New policy" not in html
    assert brand.title in html


def test_the_policy_page_renders_markdown_sanitized_with_clause_anchors(client, people):
    policy = make_policy(people.member, body=MALICIOUS, publish_as=people.manager)
    client.force_login(people.employee)
    html = _html(client.get(policy.get_absolute_url()))
    assert 'id="disclosure"' in html and 'href="#disclosure"' in html  # the clause has its address
    for forbidden in ("<script>alert", "onerror", "javascript:", "onclick", "<iframe", "<style>body"):
        assert forbidden not in html
    assert '<a href="https://example.com" rel="noopener noreferrer">a link</a>' in html


def test_the_text_is_rendered_once_per_version(client, people, smp, monkeypatch):
    client.force_login(people.employee)
    assert client.get(smp.get_absolute_url()).status_code == 200

    def _no_second_render(*args, **kwargs):
        raise AssertionError("rendered again")

    monkeypatch.setattr(policy_text.markdown, "Markdown", _no_second_render)
    client.force_login(people.liaison_a)
    assert "Disclosing your employment" in _html(client.get(smp.get_absolute_url()))


def test_accepting_with_a_plain_post_redirects_and_a_double_click_counts_once(client, people, smp):
    client.force_login(people.employee)
    url = f"/governance/policies/{smp.slug}/acknowledge/"
    first = client.post(url, {"version": smp.current_version.pk}, follow=True)
    assert "Thank you: you accepted" in _html(first)
    second = client.post(url, {"version": smp.current_version.pk}, follow=True)
    assert "You had already accepted" in _html(second)
    assert Acknowledgment.objects.filter(user=people.employee).count() == 1
    assert 'data-testid="accepted"' in _html(client.get(smp.get_absolute_url()))


def test_accepting_with_htmx_swaps_the_panel(client, people, smp):
    client.force_login(people.employee)
    page = _html(client.get(smp.get_absolute_url()))
    assert "I have read and accept" in page and 'id="acknowledge-notice"' in page
    response = client.post(
        f"/governance/policies/{smp.slug}/acknowledge/", {"version": smp.current_version.pk}, HTTP_HX_REQUEST="true"
    )
    html = _html(response)
    assert "<html" not in html and 'data-testid="accepted-message"' in html
    assert 'hx-swap-oob="true"' in html and "I have read and accept" not in html


def test_accepting_a_version_that_was_replaced_meanwhile_is_refused(client, people, smp):
    read = smp.current_version
    new_version(smp, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nNew rule.", major=True)
    client.force_login(people.employee)
    html = _html(
        client.post(f"/governance/policies/{smp.slug}/acknowledge/", {"version": read.pk}, HTTP_HX_REQUEST="true")
    )
    assert "replaced by v2: read v2" in html
    assert not Acknowledgment.objects.exists()


def test_people_outside_the_audience_get_no_button(client, people):
    policy = make_policy(
        people.member,
        audience_everyone=False,
        audience_roles=[Group.objects.get(name=Role.LIAISON.group_name)],
        publish_as=people.manager,
    )
    client.force_login(people.employee)
    html = _html(client.get(policy.get_absolute_url()))
    assert "you are not asked to accept it" in html and "I have read and accept" not in html
    response = client.post(
        f"/governance/policies/{policy.slug}/acknowledge/", {"version": policy.current_version.pk}, follow=True
    )
    assert "you are not asked to accept it" in _html(response)
    assert not Acknowledgment.objects.exists()


# --- drafts, publishing, diffs ------------------------------------------------------------------


def test_employees_cannot_see_drafts_or_the_editing_pages(client, people, smp):
    draft = services.policy_version_draft(actor=people.member, policy=smp)
    unpublished = make_policy(people.member, title="Crisis comms", category=PolicyCategory.CRISIS)
    client.force_login(people.employee)
    assert client.get(f"/governance/policies/{smp.slug}/versions/{draft.number}/").status_code == 404
    assert client.get(unpublished.get_absolute_url()).status_code == 404
    assert client.get("/governance/policies/new/").status_code == 403
    assert client.get(f"/governance/policies/{smp.slug}/edit/").status_code == 403
    assert client.get(f"/governance/policies/{smp.slug}/versions/{draft.number}/edit/").status_code == 404
    assert client.post(f"/governance/policies/{smp.slug}/versions/new/").status_code == 403
    assert client.post("/governance/policies/preview/", {"body": "x"}).status_code == 403
    assert "draft" not in _html(client.get(smp.get_absolute_url())).lower().split("<main")[1].split("</main>")[0]


def test_a_liaison_cannot_publish(client, people, smp):
    draft = services.policy_version_draft(actor=people.member, policy=smp)
    client.force_login(people.liaison_a)
    response = client.post(f"/governance/policies/{smp.slug}/versions/{draft.number}/publish/")
    assert response.status_code == 404  # a draft does not exist for them
    client.force_login(people.member)
    response = client.post(f"/governance/policies/{smp.slug}/versions/{draft.number}/publish/", follow=True)
    assert "Only a CoE manager publishes" in _html(response)
    assert PolicyVersion.objects.get(pk=draft.pk).status == PolicyVersion.Status.DRAFT


def test_the_coe_writes_a_policy_and_the_manager_publishes_it(client, people):
    client.force_login(people.member)
    response = client.post(
        "/governance/policies/new/",
        {
            "title": "Crisis communications",
            "category": PolicyCategory.CRISIS,
            "summary": "Who speaks when things go wrong.",
            "owner": people.manager.pk,
            "review_due_on": "2030-01-31",
            "audience_departments": [people.marketing.pk],
            "audience_roles": [Group.objects.get(name=Role.LIAISON.group_name).pk],
            "acknowledge_within_days": 10,
            "body": "## Spokespeople {#spokespeople}\n\nOnly named spokespeople speak for us.",
        },
    )
    policy = Policy.objects.get(title="Crisis communications")
    assert response.status_code == 302 and response["Location"].endswith(f"/{policy.slug}/versions/1/edit/")
    assert not policy.audience_everyone and policy.acknowledge_within_days == 10
    # the member edits the draft, with a live preview
    preview = client.post("/governance/policies/preview/", {"body": "## Tone\n\n<script>x()</script>ok"})
    assert 'id="tone"' in _html(preview) and "<script>" not in _html(preview)
    client.post(
        f"/governance/policies/{policy.slug}/versions/1/edit/",
        {
            "body": "## Spokespeople {#spokespeople}\n\nOnly the named spokespeople.",
            "change_summary": "First.",
            "requires_acknowledgment": "on",
            "effective_on": timezone.localdate().isoformat(),
        },
    )
    assert "Only the named" in PolicyVersion.objects.get(policy=policy, number=1).body
    client.force_login(people.manager)
    response = client.post(f"/governance/policies/{policy.slug}/versions/1/publish/", follow=True)
    assert "v1 of “Crisis communications” is published" in _html(response)
    # a second version and the diff between them
    client.post(f"/governance/policies/{policy.slug}/versions/new/")
    client.post(
        f"/governance/policies/{policy.slug}/versions/2/edit/",
        {
            "body": "## Spokespeople {#spokespeople}\n\nOnly the two named spokespeople.",
            "change_summary": "Two.",
            "effective_on": timezone.localdate().isoformat(),
        },
    )
    client.post(f"/governance/policies/{policy.slug}/versions/2/publish/")
    policy.refresh_from_db()
    assert policy.current_version.number == 2 and policy.acknowledgment_version.number == 1  # a minor edit
    diff = _html(client.get(f"/governance/policies/{policy.slug}/diff/", {"from": 1, "to": 2}))
    assert '<ins class="bg-success-subtle text-success-emphasis">two </ins>' in diff
    assert 'data-testid="words-added">1 word added' in diff


def test_the_settings_form_refuses_a_second_policy_of_a_category(client, people, smp):
    brand = make_policy(people.member, title="Brand guidelines", category=PolicyCategory.BRAND)
    client.force_login(people.member)
    response = client.post(
        f"/governance/policies/{brand.slug}/edit/",
        {
            "title": "Brand guidelines",
            "category": PolicyCategory.SOCIAL_MEDIA,
            "audience_everyone": "on",
            "acknowledge_within_days": 14,
        },
    )
    assert response.status_code == 200 and "There already is a social media policy" in _html(response)


# --- compliance ---------------------------------------------------------------------------------


def test_the_compliance_report_is_for_the_coe_and_leadership(client, people, smp):
    for person in (people.employee, people.liaison_a, people.approver):
        client.force_login(person)
        assert client.get("/governance/policies/compliance/").status_code == 403
        assert client.get("/governance/policies/compliance/export.csv").status_code == 403
    for person in (people.member, people.leader):
        client.force_login(person)
        assert client.get("/governance/policies/compliance/").status_code == 200


def test_the_report_shows_completion_per_department_and_overdue_people(client, people):
    User.objects.update(date_joined=timezone.now() - timedelta(days=100))
    policy = make_policy(people.member, publish_as=people.manager, now=timezone.now() - timedelta(days=20))
    for person in (people.manager, people.member, people.liaison_b):
        services.acknowledgment_record(actor=person, version=policy.current_version)
    client.force_login(people.member)
    html = _html(client.get("/governance/policies/compliance/", {"policy": policy.slug}))
    # 3 of 7 accepted; 4 overdue (liaison_a, approver, employee, leader)
    assert "3 of 7 people have accepted it (43%)" in html
    assert html.count('data-testid="overdue-row"') == 4
    departments = html.split('data-testid="department-row"')[1:]
    assert departments[0].startswith("><td>Marketing</td>") and ">0%<" in departments[0]  # lowest first
    partial = _html(client.get("/governance/policies/compliance/", {"policy": policy.slug}, HTTP_HX_REQUEST="true"))
    assert "<html" not in partial and "By department" in partial


def test_the_csv_export_lists_everyone_with_their_standing(client, people):
    people.employee.first_name = "=cmd|' /C calc'!A0"
    people.employee.save()
    policy = make_policy(people.member, publish_as=people.manager)
    services.acknowledgment_record(actor=people.leader, version=policy.current_version)
    client.force_login(people.leader)
    response = client.get("/governance/policies/compliance/export.csv", {"policy": policy.slug})
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["policy", "version to accept", "person"]
    assert len(rows) == 1 + 7
    by_user = {row[3]: row for row in rows[1:]}
    assert by_user["leader"][6] == "Accepted" and by_user["leader"][8] == "v1"
    assert by_user["employee"][6] == "To accept" and by_user["employee"][2].startswith("'=")
    departments = client.get("/governance/policies/compliance/export.csv", {"policy": policy.slug, "by": "department"})
    lines = list(csv.reader(io.StringIO(b"".join(departments.streaming_content).decode("utf-8-sig"))))
    assert lines[0][2] == "department" and {line[2] for line in lines[1:]} >= {"Marketing", "Customer Service"}


# --- home panel and navigation ------------------------------------------------------------------


def test_the_home_page_lists_pending_acknowledgments_until_accepted(client, people, smp):
    client.force_login(people.employee)
    html = _html(client.get("/"))
    assert 'data-testid="pending-policy"' in html and smp.title in html
    services.acknowledgment_record(actor=people.employee, version=smp.current_version)
    html = _html(client.get("/"))
    assert 'data-testid="pending-policy"' not in html and 'data-testid="policies-up-to-date"' in html


def test_policies_are_in_everyones_navigation(client, people):
    for person in (people.employee, people.leader, people.manager):
        client.force_login(person)
        nav = _html(client.get("/")).split('data-testid="main-nav"')[1].split("</ul>")[0]
        assert 'href="/governance/policies/"' in nav


# --- query counts -------------------------------------------------------------------------------


def _crowd(count: int, departments: list[Department]) -> None:
    """``count`` more employees spread over the departments, some of whom accepted."""
    employee = Group.objects.get(name=Role.EMPLOYEE.group_name)
    users = User.objects.bulk_create(
        [User(username=f"crowd{n}", first_name="Crowd", last_name=f"{n:04}") for n in range(count)]
    )
    User.groups.through.objects.bulk_create([User.groups.through(user_id=u.pk, group_id=employee.pk) for u in users])
    User.departments.through.objects.bulk_create(
        [
            User.departments.through(user_id=u.pk, department_id=departments[i % len(departments)].pk)
            for i, u in enumerate(users)
        ]
    )
    for policy in Policy.objects.filter(current_version__isnull=False):
        Acknowledgment.objects.bulk_create(
            [Acknowledgment(user=u, version=policy.current_version) for u in users[: count // 2]]
        )


@pytest.mark.parametrize("count", [10, 200])
def test_policy_pages_stay_within_a_fixed_number_of_queries(client, people, count, django_assert_max_num_queries):
    make_policy(people.member, publish_as=people.manager)
    make_policy(
        people.member,
        title="Brand guidelines",
        category=PolicyCategory.BRAND,
        audience_everyone=False,
        audience_departments=[people.marketing, people.service],
        publish_as=people.manager,
    )
    _crowd(count, [people.marketing, people.service, people.coe_team])
    # (measured: 18, 12, 12 and 10 at both sizes; a little room for what the layout adds)
    client.force_login(people.manager)
    with django_assert_max_num_queries(21):
        assert client.get("/governance/policies/").status_code == 200
    with django_assert_max_num_queries(15):
        html = _html(client.get("/governance/policies/compliance/", {"policy": "brand-guidelines"}))
    assert html.count('data-testid="completion-row"') == 2
    with django_assert_max_num_queries(15):
        assert client.get("/governance/policies/social-media-policy/").status_code == 200
    client.force_login(people.employee)
    with django_assert_max_num_queries(16):
        assert client.get("/").status_code == 200


# --- admin --------------------------------------------------------------------------------------


def test_the_admin_edits_settings_through_the_service_and_keeps_the_record_read_only(client, people, smp):
    from django.contrib.admin.sites import site

    from governance.models import AcknowledgmentReminder, AuditEntry

    services.acknowledgment_record(actor=people.employee, version=smp.current_version)
    client.force_login(people.manager)
    for url in (
        "/admin/governance/policy/",
        "/admin/governance/policyversion/",
        "/admin/governance/acknowledgment/",
        "/admin/governance/acknowledgmentreminder/",
        f"/admin/governance/policy/{smp.pk}/change/",
    ):
        assert client.get(url).status_code == 200, url
    response = client.post(
        f"/admin/governance/policy/{smp.pk}/change/",
        {
            "title": "Social media policy",
            "category": "social_media",
            "summary": "Set in the admin.",
            "audience_everyone": "on",
            "acknowledge_within_days": 21,
            "versions-TOTAL_FORMS": "1",
            "versions-INITIAL_FORMS": "1",
            "versions-MIN_NUM_FORMS": "0",
            "versions-MAX_NUM_FORMS": "1000",
            "versions-0-id": smp.current_version.pk,
            "versions-0-policy": smp.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    smp.refresh_from_db()
    assert smp.acknowledge_within_days == 21 and smp.summary == "Set in the admin."
    assert AuditEntry.objects.filter(action="policy.updated", actor=people.manager).exists()
    request = type("Request", (), {"user": people.manager})()
    version_admin = site._registry[PolicyVersion]
    assert not version_admin.has_change_permission(request, smp.current_version)
    for model in (Acknowledgment, AcknowledgmentReminder):
        model_admin = site._registry[model]
        assert not model_admin.has_add_permission(request)
        assert not model_admin.has_change_permission(request)
        assert not model_admin.has_delete_permission(request)
    assert not site._registry[Policy].has_delete_permission(request, smp)
