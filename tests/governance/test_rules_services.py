"""The rule services: who may write rules, settings checked on save, every change audited, and
``content_check`` — scope, review stages, and a ruleset compiled once and again only after a
change."""

# ruff: noqa: F811 - the rules fixtures are imported, then named as test arguments
from __future__ import annotations

import pytest
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.utils import timezone

from coe.errors import DomainError, NotAllowed
from coe.roles import Role
from governance.models import AuditEntry, ContentRule
from governance.selectors import rules as selectors
from governance.services import rules as services
from tests.governance.rules_fixtures import EXPLANATION, fresh_rules, make_rule  # noqa: F401
from tests.publishing.factories import ChannelFactory

pytestmark = pytest.mark.django_db


def fields(**overrides):
    return {
        "name": "No hype",
        "kind": "banned_term",
        "severity": "block",
        "config": {"terms": ["risk-free", "guaranteed returns"]},
        "explanation": EXPLANATION,
        **overrides,
    }


# --- who may ------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "member"])
def test_coe_staff_create_rules_and_the_trail_records_it(people, who):
    actor = getattr(people, who)
    rule = services.rule_create(actor=actor, fields=fields())
    assert rule.is_active and rule.created_by == actor and rule.config == {"terms": ["risk-free", "guaranteed returns"]}
    entry = AuditEntry.objects.get(action="rule.created")
    assert entry.actor == actor and entry.object_id == str(rule.pk) and "No hype" in entry.summary
    assert entry.data["after"]["config"] == rule.config


@pytest.mark.parametrize("who", ["liaison_a", "approver", "employee", "leader"])
def test_others_may_not_write_rules(people, make_rule, who):
    actor = getattr(people, who)
    with pytest.raises(NotAllowed):
        services.rule_create(actor=actor, fields=fields())
    rule = make_rule("banned_term", {"terms": ["scam"]})
    for call in (
        lambda: services.rule_update(actor=actor, rule=rule, changes={"name": "Mine"}),
        lambda: services.rule_deactivate(actor=actor, rule=rule),
        lambda: services.rule_delete(actor=actor, rule=rule),
    ):
        with pytest.raises(NotAllowed):
            call()
    rule.refresh_from_db()
    assert rule.is_active and rule.name != "Mine"


# --- settings checked on save -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"config": {"terms": []}}, "config", "at least one"),
        ({"kind": "regex", "config": {"pattern": "(a+)+$"}}, "config", "repeats"),
        ({"name": "  "}, "name", "name"),
        ({"explanation": ""}, "explanation", "Explain"),
        ({"severity": "warn", "review_stage_name": ""}, "review_stage_name", "review stage"),
        ({"applies_everywhere": False}, "channels", "channels or departments"),
        ({"clause_anchor": "claims"}, "clause_anchor", "policy"),
        ({"kind": "nonsense"}, "kind", "kind"),
        ({"status": "live"}, "status", "cannot be set"),
    ],
)
def test_a_rule_that_cannot_work_is_refused_and_nothing_is_saved(people, overrides, field, message):
    with pytest.raises(DomainError, match=message) as refused:
        services.rule_create(actor=people.manager, fields=fields(**overrides))
    assert field in refused.value.fields
    assert not ContentRule.objects.exists() and not AuditEntry.objects.filter(action__startswith="rule.").exists()


def test_names_are_unique_whatever_their_case(people, make_rule):
    make_rule("banned_term", {"terms": ["x"]}, name="No Hype")
    with pytest.raises(DomainError, match="already exists"):
        services.rule_create(actor=people.manager, fields=fields(name="no hype"))


def test_a_rule_for_everywhere_takes_no_channels(pub):
    with pytest.raises(DomainError, match="Untick"):
        services.rule_create(actor=pub.manager, fields=fields(channels=[pub.linkedin]))
    rule = services.rule_create(actor=pub.manager, fields=fields(applies_everywhere=False, channels=[pub.linkedin]))
    assert list(rule.channels.all()) == [pub.linkedin]


def test_an_update_records_what_changed_before_and_after(people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]}, name="Old name")
    services.rule_update(
        actor=people.member, rule=rule, changes={"name": "New name", "config": {"terms": ["scam", "fraud"]}}
    )
    entry = AuditEntry.objects.get(action="rule.changed")
    assert entry.actor == people.member and "config, name" in entry.summary
    assert entry.data == {
        "before": {"config": {"terms": ["scam"]}, "name": "Old name"},
        "after": {"config": {"terms": ["scam", "fraud"]}, "name": "New name"},
    }


def test_an_update_that_changes_nothing_writes_no_entry(people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]})
    services.rule_update(actor=people.manager, rule=rule, changes={"config": {"terms": ["scam"]}})
    assert not AuditEntry.objects.filter(action="rule.changed").exists()


def test_switch_off_and_on_and_delete_are_audited(people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]}, name="Scams")
    services.rule_deactivate(actor=people.manager, rule=rule)
    assert not services.content_check(text="a scam").findings
    services.rule_activate(actor=people.manager, rule=rule)
    assert services.content_check(text="a scam").findings
    services.rule_delete(actor=people.member, rule=rule)
    assert not ContentRule.objects.exists() and not services.content_check(text="a scam").findings
    actions = list(
        AuditEntry.objects.filter(action__startswith="rule.").order_by("id").values_list("action", flat=True)
    )
    assert actions == ["rule.created", "rule.deactivated", "rule.activated", "rule.deleted"]
    assert AuditEntry.objects.get(action="rule.deleted").data["before"]["config"] == {"terms": ["scam"]}


def test_switching_on_checks_the_settings_again(people, make_rule):
    rule = make_rule("regex", {"pattern": "scam"})
    services.rule_deactivate(actor=people.manager, rule=rule)
    ContentRule.objects.filter(pk=rule.pk).update(config={"pattern": "(a+)+$"})  # written behind the service's back
    with pytest.raises(DomainError, match="repeats"):
        services.rule_activate(actor=people.manager, rule=rule)
    rule.refresh_from_db()
    assert not rule.is_active


# --- content_check ------------------------------------------------------------------------------


def test_scope_everywhere_channels_or_departments(pub, make_rule):
    make_rule("banned_term", {"terms": ["everywhere"]}, name="A")
    make_rule("banned_term", {"terms": ["linkedin"]}, name="B", applies_everywhere=False, channels=[pub.linkedin])
    make_rule("banned_term", {"terms": ["service"]}, name="C", applies_everywhere=False, departments=[pub.service])

    def names(**context):
        return sorted(
            f.rule_name for f in services.content_check(text="everywhere linkedin service", **context).findings
        )

    assert names() == ["A"]
    assert names(channel_ids=[pub.linkedin.pk]) == ["A", "B"]
    assert names(channel_ids=[pub.support.pk], department_id=pub.service.pk) == ["A", "C"]


def test_sponsored_posts_need_their_disclosure(people, make_rule):
    make_rule("required_disclosure", {"when": "sponsored_campaign", "disclosures": ["#ad"]})
    assert services.content_check(text="Win!", sponsored=True).blocked
    assert not services.content_check(text="Win! #ad", sponsored=True).findings
    assert not services.content_check(text="Win!", sponsored=False).findings


def test_warnings_ask_for_one_stage_per_name_with_everyones_reviewers(pub, make_rule):
    approvers = Group.objects.get(name=Role.APPROVER.group_name)
    make_rule("banned_term", {"terms": ["cure"]}, name="Health", severity="warn", review_people=[pub.legal])
    make_rule(
        "banned_term",
        {"terms": ["tax-free"]},
        name="Money",
        severity="warn",
        review_stage_name="legal",
        review_group=approvers,
        review_people=[pub.approver],
    )
    make_rule("hashtag_limit", {"max": 1}, name="Tags", severity="warn", review_stage_name="CoE review")
    result = services.content_check(text="A cure, tax-free! #a #b")
    assert not result.blocked and len(result.warnings) == 3
    legal, coe = result.review_stages
    assert (legal.name, legal.group_id, set(legal.people_ids), legal.rules) == (
        "Legal",
        approvers.pk,
        {pub.legal.pk, pub.approver.pk},
        ("Health", "Money"),
    )
    assert (coe.name, coe.people_ids, coe.rules) == ("CoE review", (), ("Tags",))


def test_the_refusal_names_each_rule_finding_explanation_and_clause(people, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]}, name="No hype", clause="§3 Claims")
    (line,) = services.content_check(text="Totally RISK FREE").refusal()
    assert line == f"No hype: “risk-free” is a banned term. {EXPLANATION} (see §3 Claims)"


def test_findings_link_to_the_policy_clause(people, make_rule):
    from governance.models import Policy

    policy = Policy.objects.create(title="Brand guidelines", slug="brand-guidelines")
    make_rule("banned_term", {"terms": ["scam"]}, policy=policy, clause="Claims", clause_anchor="claims")
    (finding,) = services.content_check(text="scam").findings
    assert finding.clause_url == f"{policy.get_absolute_url()}#claims" and finding.clause == "Claims"


# --- compiled once --------------------------------------------------------------------------------


def test_the_rules_compile_once_and_again_only_after_a_change(people, make_rule, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rule = make_rule("banned_term", {"terms": ["scam"]})
    before = selectors.compile_count
    for _ in range(5):
        assert services.content_check(text="a scam").findings
    assert selectors.compile_count == before + 1
    with django_capture_on_commit_callbacks(execute=True):
        services.rule_update(actor=people.manager, rule=rule, changes={"config": {"terms": ["fraud"]}})
    assert not services.content_check(text="a scam").findings
    assert services.content_check(text="a fraud").findings
    assert selectors.compile_count == before + 2


def test_inside_the_changing_transaction_the_change_is_seen_at_once(people, make_rule):
    rule = make_rule("banned_term", {"terms": ["scam"]})  # not committed (the test's transaction)
    assert services.content_check(text="a scam").findings
    services.rule_deactivate(actor=people.manager, rule=rule)
    assert not services.content_check(text="a scam").findings


def test_a_cold_cache_falls_back_to_the_rules_table(people, make_rule, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        rule = make_rule("banned_term", {"terms": ["scam"]})
    assert services.content_check(text="a scam").findings
    compiled = selectors.compile_count
    cache.clear()  # e.g. Redis restarted: the table says nothing changed, so nothing recompiles
    assert services.content_check(text="a scam").findings and selectors.compile_count == compiled
    # A change behind the services' back (a shell, a raw query) is seen once the cache forgets.
    ContentRule.objects.filter(pk=rule.pk).update(is_active=False, updated_at=timezone.now())
    cache.delete(selectors.GENERATION_KEY)
    assert not services.content_check(text="a scam").findings and selectors.compile_count == compiled + 1


def test_checks_cost_no_queries_once_compiled(
    people, make_rule, django_capture_on_commit_callbacks, django_assert_num_queries
):
    with django_capture_on_commit_callbacks(execute=True):
        make_rule("banned_term", {"terms": ["scam"]})
    services.content_check(text="warm up")
    with django_assert_num_queries(0):
        services.content_check(text="a scam, call +44 20 7946 0958", channel_ids=[1], department_id=1)


def test_a_rule_scoped_to_a_channel_is_kept_by_channel(pub, make_rule):
    other = ChannelFactory(name="Other", department=pub.marketing)
    make_rule("banned_term", {"terms": ["scam"]}, applies_everywhere=False, channels=[pub.linkedin, other])
    assert services.content_check(text="scam", channel_ids=[other.pk]).blocked
    assert not services.content_check(text="scam", channel_ids=[pub.instagram.pk]).findings


def test_a_check_works_while_the_cache_is_down(people, make_rule, monkeypatch, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        make_rule("banned_term", {"terms": ["scam"]})

    def down(*args, **kwargs):
        raise ConnectionError("Redis is restarting")

    monkeypatch.setattr(selectors.cache, "get", down)
    monkeypatch.setattr(selectors.cache, "add", down)
    assert services.content_check(text="a scam").blocked
