"""The policies API: reads scoped like the pages, writes and transitions through the services,
errors in the shared JSON shape, and flat query counts."""

from __future__ import annotations

import pytest

from governance.models import Acknowledgment, PolicyCategory, PolicyVersion
from governance.services import policies as services
from tests.governance.policy_helpers import SMP_TEXT, make_policy, new_version


@pytest.fixture
def smp(people):
    return make_policy(people.member, publish_as=people.manager)


def test_everyone_reads_published_policies_with_their_own_status(api_as, people, smp):
    make_policy(people.member, title="Crisis comms", category=PolicyCategory.CRISIS)  # a draft only
    body = api_as(people.employee).get("/api/v1/policies/").json()
    assert [row["slug"] for row in body["results"]] == ["social-media-policy"]
    row = body["results"][0]
    assert row["current_version"] == 1 and row["acknowledgment_version"] == 1
    assert row["my_status"]["status"] == "pending" and row["my_status"]["due_on"]
    assert row["audience_everyone"] is True and row["url"] == "/governance/policies/social-media-policy/"
    staff = api_as(people.member).get("/api/v1/policies/").json()
    assert staff["count"] == 2
    published = api_as(people.member).get("/api/v1/policies/", {"published": "true"}).json()
    assert published["count"] == 1


def test_the_coe_creates_a_policy_with_its_first_draft_and_others_may_not(api_as, people):
    payload = {
        "title": "Brand guidelines",
        "category": "brand",
        "audience_everyone": False,
        "audience_departments": ["marketing"],
        "audience_roles": ["liaison"],
        "acknowledge_within_days": 7,
        "body": "## Voice {#voice}\n\nClear and warm.",
    }
    refused = api_as(people.liaison_a).post("/api/v1/policies/", payload, format="json")
    assert refused.status_code == 403 and "Only the CoE team creates policies" in refused.json()["error"]["message"]
    created = api_as(people.member).post("/api/v1/policies/", payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["slug"] == "brand-guidelines" and body["audience_roles"] == ["liaison"]
    assert body["audience_departments"] == ["marketing"] and body["current_version"] is None
    assert PolicyVersion.objects.get(policy__slug="brand-guidelines").status == "draft"
    unknown_role = api_as(people.member).post(
        "/api/v1/policies/",
        {**payload, "title": "Other", "category": "other", "audience_roles": ["boss"]},
        format="json",
    )
    assert unknown_role.status_code == 400 and "is not a role" in unknown_role.json()["error"]["message"]
    duplicate = api_as(people.member).post("/api/v1/policies/", {**payload, "title": "Brand 2"}, format="json")
    assert duplicate.status_code == 400 and duplicate.json()["error"]["code"] == "duplicate_category"
    read_only = api_as(people.member).post("/api/v1/policies/", {**payload, "current_version": 3}, format="json")
    assert read_only.status_code == 400 and "current_version" in read_only.json()["error"]["fields"]


def test_the_owner_may_change_only_the_summary_and_review_date(api_as, people):
    policy = make_policy(people.member, owner=people.approver, publish_as=people.manager)
    api = api_as(people.approver)
    ok = api.patch(f"/api/v1/policies/{policy.slug}/", {"review_due_on": "2031-03-01"}, format="json")
    assert ok.status_code == 200 and ok.json()["review_due_on"] == "2031-03-01"
    refused = api.patch(f"/api/v1/policies/{policy.slug}/", {"audience_everyone": False}, format="json")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "field_not_allowed"
    assert api_as(people.employee).patch(f"/api/v1/policies/{policy.slug}/", {"summary": "x"}).status_code == 403


def test_versions_draft_edit_publish_and_only_the_manager_publishes(api_as, people, smp):
    member = api_as(people.member)
    draft = member.post(
        "/api/v1/policy-versions/",
        {
            "policy": smp.slug,
            "body": SMP_TEXT + "\n## Tone {#tone}\n\n<script>alert(1)</script>Kind.",
            "requires_acknowledgment": False,
            "change_summary": "Adds tone.",
        },
        format="json",
    )
    assert draft.status_code == 201, draft.json()
    data = draft.json()
    assert data["number"] == 2 and data["status"] == "draft" and data["requires_acknowledgment"] is False
    assert "<script>" not in data["body_html"] and 'id="tone"' in data["body_html"]
    assert {"anchor": "tone", "title": "Tone", "level": 2} in data["clauses"]
    version_url = f"/api/v1/policy-versions/{data['id']}/"
    assert member.patch(version_url, {"change_summary": "Adds a tone clause."}, format="json").status_code == 200
    # the employee and the liaison do not see the draft at all; the member sees it but may not publish
    assert api_as(people.employee).get(version_url).status_code == 404
    assert api_as(people.liaison_a).post(f"{version_url}publish/").status_code == 404
    refused = api_as(people.member).post(f"{version_url}publish/")
    assert refused.status_code == 403
    assert refused.json()["error"]["message"].startswith("Only a CoE manager publishes")
    published = api_as(people.manager).post(f"{version_url}publish/")
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert api_as(people.manager).patch(version_url, {"body": "x"}, format="json").status_code == 409
    assert api_as(people.manager).delete(version_url).status_code == 409
    versions = api_as(people.employee).get("/api/v1/policy-versions/", {"policy": smp.slug}).json()
    assert [(v["number"], v["status"]) for v in versions["results"]] == [(2, "published"), (1, "retired")]
    diff = api_as(people.employee).get(f"/api/v1/policies/{smp.slug}/diff/").json()
    assert diff["from_version"] == 1 and diff["to_version"] == 2 and diff["words_added"] > 0
    assert "<ins" in diff["html"] and "&lt;script&gt;" in diff["html"]


def test_acknowledge_once_then_the_same_record_and_replaced_versions_refused(api_as, people, smp):
    api = api_as(people.employee)
    url = f"/api/v1/policy-versions/{smp.current_version.pk}/acknowledge/"
    first = api.post(url)
    assert first.status_code == 201
    again = api.post(url)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    assert first.json()["policy"] == smp.slug and first.json()["version_number"] == 1
    old = smp.current_version
    new_version(smp, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nNew.", major=True)
    replaced = api_as(people.liaison_a).post(f"/api/v1/policy-versions/{old.pk}/acknowledge/")
    assert replaced.status_code == 409 and "read v2" in replaced.json()["error"]["message"]
    assert Acknowledgment.objects.count() == 1


def test_acknowledgments_are_your_own_unless_you_see_compliance(api_as, people, smp):
    for person in (people.employee, people.liaison_a):
        services.acknowledgment_record(actor=person, version=smp.current_version)
    own = api_as(people.employee).get("/api/v1/acknowledgments/").json()
    assert [row["user"] for row in own["results"]] == [people.employee.pk]
    everyone = api_as(people.leader).get("/api/v1/acknowledgments/", {"policy": smp.slug}).json()
    assert everyone["count"] == 2
    ack_id = own["results"][0]["id"]
    assert api_as(people.employee).delete(f"/api/v1/acknowledgments/{ack_id}/").status_code == 405


def test_the_compliance_report_endpoint(api_as, people, smp):
    services.acknowledgment_record(actor=people.employee, version=smp.current_version)
    refused = api_as(people.employee).get("/api/v1/policy-compliance/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    report = api_as(people.member).get("/api/v1/policy-compliance/", {"policy": smp.slug}).json()
    assert len(report) == 1
    row = report[0]
    assert (row["audience"], row["acknowledged"], row["pending"], row["percent"]) == (7, 1, 6, 14)
    marketing = next(d for d in row["departments"] if d["department_slug"] == "marketing")
    assert (marketing["audience"], marketing["acknowledged"], marketing["percent"]) == (2, 1, 50)
    assert api_as(people.member).get("/api/v1/policy-compliance/", {"policy": "nope"}).status_code == 404


@pytest.mark.parametrize("count", [5, 60])
def test_the_policy_list_query_count_is_flat(api_as, people, count, django_assert_max_num_queries):
    for n in range(count):
        policy = make_policy(people.member, title=f"Rule book {n:03}", category=PolicyCategory.OTHER)
        if n % 2 == 0:
            services.policy_version_publish(actor=people.manager, version=policy.versions.get())
    with django_assert_max_num_queries(8):
        body = api_as(people.member).get("/api/v1/policies/", {"page_size": 100}).json()
    assert body["count"] == count
