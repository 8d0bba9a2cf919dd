"""The content rules API: CoE staff write, approvers read, others are refused with the shared
error shape; switch off and on as actions; ``check`` returns findings with spans; the list's
query count stays flat."""

# ruff: noqa: F811 - the rules fixtures are imported, then named as test arguments
from __future__ import annotations

import pytest

from governance.models import AuditEntry, ContentRule
from tests.governance.rules_fixtures import EXPLANATION, fresh_rules, make_rule  # noqa: F401

pytestmark = pytest.mark.django_db

URL = "/api/v1/content-rules/"


def body(**overrides):
    return {
        "name": "No hype",
        "kind": "banned_term",
        "severity": "block",
        "config": {"terms": ["risk-free"]},
        "explanation": EXPLANATION,
        **overrides,
    }


def test_coe_staff_create_read_update_and_delete(api_as, pub):
    api = api_as(pub.member)
    response = api.post(
        URL,
        body(applies_everywhere=False, channels=[pub.linkedin.pk], departments=["customer-service"]),
        format="json",
    )
    assert response.status_code == 201, response.json()
    created = response.json()
    assert created["channels"] == [pub.linkedin.pk] and created["departments"] == ["customer-service"]
    assert created["is_active"] and created["created_by"] == str(pub.member)
    rule_url = f"{URL}{created['id']}/"
    response = api.patch(
        rule_url, {"severity": "warn", "review_stage_name": "Legal", "review_people": [pub.legal.pk]}, format="json"
    )
    assert response.status_code == 200 and response.json()["review_people"] == [pub.legal.pk]
    assert api.get(URL, {"severity": "warn"}).json()["count"] == 1
    assert api.delete(rule_url).status_code == 204
    assert not ContentRule.objects.exists()
    actions = list(AuditEntry.objects.filter(app="governance").order_by("id").values_list("action", flat=True))
    assert actions == ["rule.created", "rule.changed", "rule.deleted"]


def test_switch_off_and_on_are_actions_and_is_active_is_read_only(api_as, people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]})
    api = api_as(people.manager)
    refused = api.patch(f"{URL}{rule.pk}/", {"is_active": False}, format="json")
    assert refused.status_code == 400 and "is_active" in refused.json()["error"]["fields"]
    assert api.post(f"{URL}{rule.pk}/deactivate/").json()["is_active"] is False
    assert api.post(f"{URL}{rule.pk}/activate/").json()["is_active"] is True


def test_bad_settings_are_refused_with_the_shared_error_shape(api_as, people):
    response = api_as(people.manager).post(URL, body(kind="regex", config={"pattern": "(x+x+)+y"}), format="json")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "invalid" and "repeats" in error["message"] and "config" in error["fields"]
    response = api_as(people.manager).post(URL, body(config={"terms": ["x"]}, colour="red"), format="json")
    assert response.status_code == 400 and "colour" in response.json()["error"]["fields"]
    assert not ContentRule.objects.exists()


def test_approvers_read_but_may_not_write(api_as, people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]})
    api = api_as(people.approver)
    assert api.get(URL).json()["count"] == 1
    assert api.get(f"{URL}{rule.pk}/").json()["config"] == {"terms": ["scam"]}
    response = api.post(URL, body(), format="json")
    assert response.status_code == 403 and response.json()["error"]["code"] == "permission_denied"
    assert api.patch(f"{URL}{rule.pk}/", {"name": "x"}, format="json").status_code == 403
    assert api.post(f"{URL}{rule.pk}/deactivate/").status_code == 403
    assert api.delete(f"{URL}{rule.pk}/").status_code == 403


@pytest.mark.parametrize("who", ["liaison_a", "employee", "leader"])
def test_others_may_not_read_the_rules(api_as, people, make_rule, who):
    make_rule("banned_term", {"terms": ["scam"]})
    response = api_as(getattr(people, who)).get(URL)
    assert response.status_code == 403 and "CoE team" in response.json()["error"]["message"]


def test_check_returns_findings_with_spans_in_the_original_text(api_as, pub, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]}, name="No hype", clause="§3 Claims")
    make_rule("link_domains", {"mode": "deny", "domains": ["bit.ly"]}, name="No shorteners")
    make_rule("required_disclosure", {"when": "sponsored_campaign", "disclosures": ["#ad"]}, name="Disclose")
    make_rule("hashtag_limit", {"max": 0}, name="No tags", severity="warn", review_stage_name="Brand")
    text = "Totally ｒｉｓｋ\u200b-free #deal"
    response = api_as(pub.liaison_a).post(
        f"{URL}check/",
        {"text": text, "link": "https://bit.ly/x", "channels": [pub.linkedin.pk], "sponsored": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    result = response.json()
    assert result["blocked"] is True and result["review_stages"] == [{"name": "Brand", "rules": ["No tags"]}]
    by_rule = {finding["rule_name"]: finding for finding in result["findings"]}
    hype = by_rule["No hype"]
    (span,) = hype["spans"]
    assert text[span["start"] : span["end"]] == hype["matched"][0] == "ｒｉｓｋ\u200b-free"
    assert hype["severity"] == "block" and hype["clause"] == "§3 Claims" and hype["explanation"] == EXPLANATION
    assert by_rule["No shorteners"]["spans"] == [{"start": 0, "end": 16, "field": "link"}]
    assert by_rule["Disclose"]["spans"] == [] and by_rule["No tags"]["review_stage"] == "Brand"


def test_check_is_for_people_who_write_posts_and_the_coe(api_as, pub):
    assert api_as(pub.member).post(f"{URL}check/", {"text": "hello"}, format="json").json()["findings"] == []
    response = api_as(pub.employee).post(f"{URL}check/", {"text": "hello"}, format="json")
    assert response.status_code == 403
    response = api_as(pub.liaison_a).post(f"{URL}check/", {"text": "hi", "channels": [999999]}, format="json")
    assert response.status_code == 400 and "channels" in response.json()["error"]["fields"]


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_stays_within_a_fixed_number_of_queries(api_as, pub, make_rule, count, django_assert_max_num_queries):
    for n in range(count):
        make_rule(
            "banned_term",
            {"terms": [f"term{n}"]},
            name=f"Rule {n:03}",
            applies_everywhere=n % 2 == 0,
            channels=[] if n % 2 == 0 else [pub.linkedin, pub.instagram],
            departments=[] if n % 2 == 0 else [pub.marketing],
            review_people=[pub.legal],
        )
    api = api_as(pub.member)
    with django_assert_max_num_queries(10):
        response = api.get(URL)
    assert response.json()["count"] == count and len(response.json()["results"]) == min(count, 50)
