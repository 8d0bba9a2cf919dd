"""The content rules pages: the list (CoE staff and approvers; query count flat as rules grow),
the form (CoE staff; the settings of each kind; errors next to the setting), switch off and on,
delete, and the rule tester (CoE staff) with its marks."""

# ruff: noqa: F811 - the rules fixtures are imported, then named as test arguments
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group

from coe.roles import Role
from governance.models import AuditEntry, ContentRule
from tests.governance.rules_fixtures import EXPLANATION, fresh_rules, make_rule  # noqa: F401
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db


# --- the list -----------------------------------------------------------------------------------


def test_coe_staff_see_the_rules_with_new_and_try_buttons(client, people, make_rule):
    make_rule("banned_term", {"terms": ["scam"]}, name="No scams")
    make_rule("hashtag_limit", {"max": 5}, name="Five hashtags", severity="warn", review_stage_name="CoE review")
    client.force_login(people.member)
    html = client.get("/governance/rules/").content.decode()
    assert html.count('data-testid="rule-row"') == 2
    assert "No scams" in html and "Warn · CoE review" in html
    assert "/governance/rules/new/" in html and "/governance/rules/test/" in html
    assert "2 active (1 blocking, 1 warning)" in html


def test_approvers_read_the_rules_but_may_not_change_them(client, people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]}, name="No scams")
    client.force_login(people.approver)
    html = client.get("/governance/rules/").content.decode()
    assert "No scams" in html and "/governance/rules/new/" not in html and "/governance/rules/test/" not in html
    detail = client.get(f"/governance/rules/{rule.pk}/").content.decode()
    assert "scam" in detail and f"/governance/rules/{rule.pk}/edit/" not in detail
    assert client.get("/governance/rules/new/").status_code == 403
    assert client.get(f"/governance/rules/{rule.pk}/edit/").status_code == 403
    assert client.post(f"/governance/rules/{rule.pk}/deactivate/").status_code == 403
    assert client.post(f"/governance/rules/{rule.pk}/delete/").status_code == 403
    assert client.get("/governance/rules/test/").status_code == 403
    assert ContentRule.objects.get(pk=rule.pk).is_active


@pytest.mark.parametrize("who", ["liaison_a", "employee", "leader"])
def test_others_do_not_see_the_rules(client, people, make_rule, who):
    rule = make_rule("banned_term", {"terms": ["scam"]})
    client.force_login(getattr(people, who))
    for url in ("/governance/rules/", f"/governance/rules/{rule.pk}/", "/governance/rules/test/"):
        assert client.get(url).status_code == 403


def test_the_list_filters_with_htmx(client, people, make_rule):
    make_rule("banned_term", {"terms": ["scam"]}, name="No scams")
    make_rule("regex", {"pattern": "cures?"}, name="Health claims", severity="warn")
    client.force_login(people.member)
    response = client.get("/governance/rules/", {"kind": "regex"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Health claims" in html and "No scams" not in html
    html = client.get("/governance/rules/", {"q": "scams", "status": "active"}).content.decode()
    assert "No scams" in html and "Health claims" not in html


@pytest.mark.parametrize("count", [3, 60])
def test_the_list_stays_within_a_fixed_number_of_queries(client, pub, make_rule, count, django_assert_max_num_queries):
    approvers = Group.objects.get(name=Role.APPROVER.group_name)
    channels = [ChannelFactory(name=f"Channel {n}", department=pub.marketing) for n in range(3)]
    for n in range(count):
        if n % 3 == 0:
            make_rule("banned_term", {"terms": [f"term{n}"]}, name=f"Rule {n:03}")
        elif n % 3 == 1:
            make_rule(
                "banned_term",
                {"terms": [f"term{n}"]},
                name=f"Rule {n:03}",
                applies_everywhere=False,
                channels=channels,
                departments=[pub.marketing, pub.service],
            )
        else:
            make_rule(
                "regex",
                {"pattern": f"word{n}"},
                name=f"Rule {n:03}",
                severity="warn",
                review_group=approvers,
                review_people=[pub.legal, pub.approver],
            )
    for person in (pub.member, pub.approver):
        client.force_login(person)
        with django_assert_max_num_queries(14):
            response = client.get("/governance/rules/")
        assert response.content.decode().count('data-testid="rule-row"') == min(count, 50)


# --- the form -----------------------------------------------------------------------------------


def form(**overrides):
    data = {
        "name": "No hype",
        "kind": "banned_term",
        "severity": "block",
        "explanation": EXPLANATION,
        "terms": "risk-free\nguaranteed returns\n",
        "applies_everywhere": "on",
        "ignore_case": "on",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}


def test_coe_staff_create_a_rule_from_the_form(client, people):
    client.force_login(people.member)
    assert client.get("/governance/rules/new/").status_code == 200
    response = client.post("/governance/rules/new/", form())
    rule = ContentRule.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/governance/rules/{rule.pk}/"
    assert rule.config == {"terms": ["risk-free", "guaranteed returns"]} and rule.created_by == people.member
    assert AuditEntry.objects.filter(action="rule.created", object_id=str(rule.pk)).exists()


def test_each_kind_saves_its_own_settings(client, pub):
    client.force_login(pub.manager)
    cases = {
        "required_disclosure": (
            {"disclosure_when": "mentions", "disclosures": "#ad\nSponsored", "disclosure_terms": "Northwind"},
            {"when": "mentions", "disclosures": ["#ad", "Sponsored"], "terms": ["Northwind"]},
        ),
        "link_domains": ({"link_mode": "allow", "domains": "acme.example\nlinkedin.com"}, None),
        "personal_data": ({"detect": ["email", "card"], "allow": "acme.example"}, None),
        "hashtag_limit": ({"max": "5"}, {"max": 5}),
        "regex": ({"pattern": r"\bcures?\b"}, {"pattern": r"\bcures?\b", "ignore_case": True}),
    }
    for kind, (extra, expected) in cases.items():
        response = client.post("/governance/rules/new/", form(name=f"A {kind}", kind=kind, terms=None, **extra))
        assert response.status_code == 302, response.content.decode()[:2000]
        rule = ContentRule.objects.get(name=f"A {kind}")
        if expected:
            assert rule.config == expected
    assert ContentRule.objects.get(kind="link_domains").config == {
        "mode": "allow",
        "domains": ["acme.example", "linkedin.com"],
    }
    assert ContentRule.objects.get(kind="personal_data").config == {
        "detect": ["email", "card"],
        "allow": ["acme.example"],
    }


def test_a_setting_that_cannot_work_shows_next_to_it_and_nothing_is_saved(client, people):
    client.force_login(people.manager)
    response = client.post("/governance/rules/new/", form(kind="regex", terms=None, pattern="(a+)+$"))
    html = response.content.decode()
    assert response.status_code == 200 and not ContentRule.objects.exists()
    assert 'id="id_pattern"' in html and "is-invalid" in html and "repeated group that itself repeats" in html


def test_a_warning_with_a_scope_and_reviewers(client, pub):
    client.force_login(pub.manager)
    response = client.post(
        "/governance/rules/new/",
        form(
            severity="warn",
            review_stage_name="Legal",
            review_people=[pub.legal.pk],
            applies_everywhere=None,
            channels=[pub.linkedin.pk],
        ),
    )
    assert response.status_code == 302
    rule = ContentRule.objects.get()
    assert list(rule.review_people.all()) == [pub.legal] and list(rule.channels.all()) == [pub.linkedin]
    assert not rule.applies_everywhere


def test_editing_shows_the_settings_and_records_the_change(client, people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam", "fraud"]}, name="No scams")
    client.force_login(people.manager)
    html = client.get(f"/governance/rules/{rule.pk}/edit/").content.decode()
    assert "scam\nfraud</textarea>" in html
    response = client.post(f"/governance/rules/{rule.pk}/edit/", form(name="No scams", terms="scam\nfraud\ncon"))
    assert response.status_code == 302
    rule.refresh_from_db()
    assert rule.config == {"terms": ["scam", "fraud", "con"]}
    assert AuditEntry.objects.get(action="rule.changed").data["after"] == {
        "config": {"terms": ["scam", "fraud", "con"]}
    }


def test_switch_off_on_and_delete_from_the_pages(client, people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]}, name="No scams")
    client.force_login(people.manager)
    client.post(f"/governance/rules/{rule.pk}/deactivate/")
    rule.refresh_from_db()
    assert not rule.is_active
    html = client.get(f"/governance/rules/{rule.pk}/").content.decode()
    assert "Switched off" in html and "Switch on" in html and 'data-testid="rule-history"' in html
    client.post(f"/governance/rules/{rule.pk}/activate/")
    rule.refresh_from_db()
    assert rule.is_active
    response = client.post(f"/governance/rules/{rule.pk}/delete/")
    assert response.status_code == 302 and not ContentRule.objects.exists()


# --- the tester ---------------------------------------------------------------------------------


def test_the_tester_marks_what_each_rule_found(client, pub, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]}, name="No hype")
    make_rule("hashtag_limit", {"max": 1}, name="Tags", severity="warn")
    make_rule("banned_term", {"terms": ["linkedin only"]}, applies_everywhere=False, channels=[pub.linkedin])
    client.force_login(pub.member)
    assert client.get("/governance/rules/test/").status_code == 200
    text = "A ｒｉｓｋ\u200d-free <deal> #one #two, linkedin only"
    response = client.post("/governance/rules/test/", {"text": text}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and "Would be refused at submission" in html and "+ Legal stage" in html
    assert '<mark class="px-0 rounded-1 border-bottom border-2 bg-danger-subtle' in html
    assert 'data-severity="block" title="No hype: “risk-free” is a banned term.' not in html  # title before data-*
    assert "ｒｉｓｋ\u200d-free</mark>" in html and "#two</mark>" in html and "&lt;deal&gt;" in html
    assert "linkedin only</mark>" not in html  # that rule is for LinkedIn only
    html = client.post("/governance/rules/test/", {"text": text, "channel": pub.linkedin.pk}).content.decode()
    assert "linkedin only</mark>" in html and "<html" in html


def test_the_tester_checks_a_separate_link_and_sponsorship(client, people, make_rule):
    make_rule("link_domains", {"mode": "deny", "domains": ["bit.ly"]}, name="No shorteners")
    make_rule("required_disclosure", {"when": "sponsored_campaign", "disclosures": ["#ad"]}, name="Disclose")
    client.force_login(people.manager)
    html = client.post(
        "/governance/rules/test/", {"text": "Win!", "link": "https://bit.ly/x", "sponsored": "on"}
    ).content.decode()
    assert "https://bit.ly/x</mark>" in html and "must carry a disclosure" in html
    html = client.post("/governance/rules/test/", {"text": "Hello"}).content.decode()
    assert "No rule objects" in html
