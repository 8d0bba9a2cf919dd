"""Every write to content rules, and the check other apps call (``content_check``).

A rule's settings are checked when it is saved (governance.rules.config: a regular expression
that could backtrack catastrophically is refused, a domain list is reduced to host names …), every
change is in the audit trail, and every change tells the compiled rulesets to compile again
(governance.selectors.rules.rules_generation_bump). Views, the API, the admin and the demo call
these functions.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from coe.audit import audit
from coe.errors import DomainError, NotAllowed
from governance import permissions
from governance.models import ContentRule, RuleKind, RuleSeverity
from governance.rules import CheckContext, ConfigError, Finding, clean_config
from governance.selectors import rules as selectors

RULE_FIELDS = frozenset(
    {
        "name",
        "kind",
        "severity",
        "config",
        "explanation",
        "policy",
        "clause",
        "clause_anchor",
        "applies_everywhere",
        "channels",
        "departments",
        "review_stage_name",
        "review_group",
        "review_people",
        "is_active",
    }
)
MANY = ("channels", "departments", "review_people")
DEFAULT_REVIEW_STAGE = "Content review"


# --- checking -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReviewStageRequest:
    """A review stage that warnings ask for: who acts, and which rules asked."""

    name: str
    group_id: int | None
    people_ids: tuple[int, ...]
    rules: tuple[str, ...]


@dataclass(frozen=True)
class CheckResult:
    findings: tuple[Finding, ...] = ()

    @property
    def blocking(self) -> list[Finding]:
        return [finding for finding in self.findings if finding.blocking]

    @property
    def warnings(self) -> list[Finding]:
        return [finding for finding in self.findings if not finding.blocking]

    @property
    def blocked(self) -> bool:
        return bool(self.blocking)

    @property
    def review_stages(self) -> list[ReviewStageRequest]:
        """One stage per name (whatever its case) for the warnings: the people of every rule that
        asks for it, the first group named."""
        stages: dict[str, dict[str, Any]] = {}
        for finding in self.warnings:
            name = finding.review_stage_name.strip() or DEFAULT_REVIEW_STAGE
            stage = stages.setdefault(name.casefold(), {"name": name, "group": None, "people": set(), "rules": []})
            stage["group"] = stage["group"] or finding.review_group_id
            stage["people"].update(finding.review_people_ids)
            if finding.rule_name not in stage["rules"]:
                stage["rules"].append(finding.rule_name)
        return [
            ReviewStageRequest(s["name"], s["group"], tuple(sorted(s["people"])), tuple(s["rules"]))
            for s in stages.values()
        ]

    def as_json(self) -> list[dict[str, Any]]:
        return [finding.as_dict() for finding in self.findings]

    def refusal(self) -> list[str]:
        """One line per blocking finding: the rule, what it found, what to do."""
        return [
            f"{finding.rule_name}: {finding.message} {finding.explanation}".strip()
            + (f" (see {finding.clause})" if finding.clause else "")
            for finding in self.blocking
        ]


def content_check(
    *,
    text: str,
    link: str = "",
    channel_ids: Iterable[int] = (),
    department_id: int | None = None,
    sponsored: bool = False,
) -> CheckResult:
    """Check a text (and its separate link) against the active rules that apply to its channels
    or department. Blocking findings mean it may not be submitted or published; warnings add the
    review stages ``review_stages`` names. Never raises for a text, however odd, and never takes
    much longer than the regular-expression budget (governance.rules.engine)."""
    ruleset = selectors.active_ruleset()
    context = CheckContext(
        channel_ids=frozenset(int(pk) for pk in channel_ids if pk), department_id=department_id, sponsored=sponsored
    )
    return CheckResult(tuple(ruleset.check(text or "", link or "", context)))


# --- writing rules ------------------------------------------------------------------------------


def _refuse_unknown(fields: Mapping[str, Any]) -> None:
    unknown = sorted(set(fields) - RULE_FIELDS)
    if unknown:
        raise DomainError(
            f"These cannot be set on a rule: {', '.join(unknown)}.",
            code="invalid",
            fields={name: ["Unknown or not editable."] for name in unknown},
        )


def _invalid(field: str, message: str) -> DomainError:
    return DomainError(message, code="invalid", fields={field: [message]})


def _check(rule: ContentRule, many: Mapping[str, list]) -> None:
    """The rules about one rule: a name, an explanation, settings its kind can use, a scope, and
    for a warning the stage it adds."""
    rule.name = " ".join(str(rule.name or "").split())
    if not rule.name:
        raise _invalid("name", "Give the rule a name.")
    clash = ContentRule.objects.filter(name__iexact=rule.name).exclude(pk=rule.pk).first()
    if clash is not None:
        raise _invalid("name", f"A rule named “{clash.name}” already exists; pick another name or edit that one.")
    if rule.kind not in RuleKind.values:
        raise _invalid("kind", "Choose what kind of rule this is.")
    if rule.severity not in RuleSeverity.values:
        raise _invalid("severity", "Choose block or warn.")
    rule.explanation = str(rule.explanation or "").strip()
    if not rule.explanation:
        raise _invalid("explanation", "Explain the rule for the liaison: why it exists and what to write instead.")
    try:
        rule.config = clean_config(rule.kind, rule.config)
    except ConfigError as error:
        raise _invalid("config", error.message) from error
    rule.clause = str(rule.clause or "").strip()
    rule.clause_anchor = str(rule.clause_anchor or "").strip().lstrip("#")
    if rule.clause_anchor and rule.policy_id is None:
        raise _invalid("clause_anchor", "Choose the policy the clause belongs to.")
    scoped = bool(many.get("channels")) or bool(many.get("departments"))
    if rule.applies_everywhere and scoped:
        raise _invalid(
            "applies_everywhere", "Untick “applies everywhere” to limit the rule to channels or departments."
        )
    if not rule.applies_everywhere and not scoped:
        raise _invalid("channels", "Choose the channels or departments it applies to, or make it apply everywhere.")
    rule.review_stage_name = " ".join(str(rule.review_stage_name or "").split())
    if rule.severity == RuleSeverity.WARN and not rule.review_stage_name:
        raise _invalid("review_stage_name", "Name the review stage a warning adds, such as Legal.")
    try:
        rule.full_clean(exclude=["created_by"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError(next(iter(fields.values()))[0], code="invalid", fields=fields) from exc


def _many(rule: ContentRule, fields: Mapping[str, Any]) -> dict[str, list]:
    """The rule's many-to-many values after the change (those not changed as they are)."""
    values = {}
    for name in MANY:
        if name in fields:
            values[name] = list(fields[name] or [])
        elif rule.pk:
            values[name] = list(getattr(rule, name).all())
        else:
            values[name] = []
    return values


def _snapshot(rule: ContentRule) -> dict[str, Any]:
    """What the audit trail keeps of a rule, before and after a change."""
    return {
        "name": rule.name,
        "kind": rule.kind,
        "severity": rule.severity,
        "config": rule.config,
        "explanation": rule.explanation,
        "policy": rule.policy_id,
        "clause": rule.clause,
        "clause_anchor": rule.clause_anchor,
        "applies_everywhere": rule.applies_everywhere,
        "channels": sorted(rule.channels.values_list("pk", flat=True)) if rule.pk else [],
        "departments": sorted(rule.departments.values_list("pk", flat=True)) if rule.pk else [],
        "review_stage_name": rule.review_stage_name,
        "review_group": rule.review_group_id,
        "review_people": sorted(rule.review_people.values_list("pk", flat=True)) if rule.pk else [],
        "is_active": rule.is_active,
    }


def rule_validate(*, rule: ContentRule | None = None, fields: Mapping[str, Any]) -> None:
    """Raise the DomainError a save of ``fields`` would raise, without saving anything (the admin
    shows it on its form)."""
    _refuse_unknown(fields)
    draft = ContentRule() if rule is None else ContentRule.objects.get(pk=rule.pk)
    many = _many(draft, fields)
    for name, value in fields.items():
        if name not in MANY:
            setattr(draft, name, value.strip() if isinstance(value, str) and name != "config" else value)
    _check(draft, many)


def _save(rule: ContentRule, fields: Mapping[str, Any]) -> ContentRule:
    many = _many(rule, fields)
    for name, value in fields.items():
        if name not in MANY:
            setattr(rule, name, value.strip() if isinstance(value, str) and name != "config" else value)
    _check(rule, many)
    rule.save()
    for name in MANY:
        if name in fields or not rule.pk:
            getattr(rule, name).set(many[name])
    selectors.rules_generation_bump()
    return rule


@transaction.atomic
def rule_create(*, actor, fields: Mapping[str, Any]) -> ContentRule:
    """A new rule (CoE staff). Its settings must suit its kind; a warning names the review stage
    it adds; it applies everywhere or to chosen channels or departments. Active at once."""
    if not permissions.can_add_rules(actor):
        raise NotAllowed("Only the CoE team writes content rules.")
    _refuse_unknown(fields)
    rule = ContentRule(created_by=actor if getattr(actor, "pk", None) else None)
    _save(rule, fields)
    audit(
        actor=actor,
        action="rule.created",
        summary=f"Content rule “{rule}” created ({rule.get_kind_display().lower()}, {rule.severity}).",
        obj=rule,
        data={"after": _snapshot(rule)},
    )
    return rule


@transaction.atomic
def rule_update(*, actor, rule: ContentRule, changes: Mapping[str, Any]) -> ContentRule:
    """Change a rule (CoE staff). Checked as a new one is; the audit trail keeps what changed,
    before and after. Posts already approved are checked again just before they are published."""
    if not permissions.can_edit_rules(actor):
        raise NotAllowed("Only the CoE team changes content rules.")
    _refuse_unknown(changes)
    rule = _locked(rule)
    before = _snapshot(rule)
    _save(rule, changes)
    after = _snapshot(rule)
    changed = sorted(name for name in after if after[name] != before[name])
    if changed:
        audit(
            actor=actor,
            action="rule.changed",
            summary=f"Content rule “{rule}” changed: {', '.join(name.replace('_', ' ') for name in changed)}.",
            obj=rule,
            data={"before": {n: before[n] for n in changed}, "after": {n: after[n] for n in changed}},
        )
    return rule


def _locked(rule: ContentRule) -> ContentRule:
    try:
        return ContentRule.objects.select_for_update().get(pk=rule.pk)
    except ContentRule.DoesNotExist as exc:
        raise DomainError("This rule no longer exists.", code="not_found") from exc


@transaction.atomic
def rule_deactivate(*, actor, rule: ContentRule) -> ContentRule:
    """Stop checking a rule without losing it (CoE staff); it can be activated again."""
    if not permissions.can_edit_rules(actor):
        raise NotAllowed("Only the CoE team switches content rules off.")
    rule = _locked(rule)
    if rule.is_active:
        rule.is_active = False
        rule.save(update_fields=["is_active", "updated_at"])
        selectors.rules_generation_bump()
        audit(actor=actor, action="rule.deactivated", summary=f"Content rule “{rule}” switched off.", obj=rule)
    return rule


@transaction.atomic
def rule_activate(*, actor, rule: ContentRule) -> ContentRule:
    """Check a switched-off rule again (CoE staff). Its settings are checked as on a save: a
    pattern the engine has since learnt to refuse stays off until it is fixed."""
    if not permissions.can_edit_rules(actor):
        raise NotAllowed("Only the CoE team switches content rules on.")
    rule = _locked(rule)
    if not rule.is_active:
        _save(rule, {"is_active": True})
        audit(actor=actor, action="rule.activated", summary=f"Content rule “{rule}” switched on.", obj=rule)
    return rule


@transaction.atomic
def rule_delete(*, actor, rule: ContentRule) -> None:
    """Remove a rule for good (CoE staff). Earlier checks keep what it found (a post's rule checks
    copy the rule's name and words), and the audit trail keeps its last settings."""
    if not permissions.can_delete_rules(actor):
        raise NotAllowed("Only the CoE team deletes content rules.")
    rule = _locked(rule)
    snapshot = _snapshot(rule)
    audit(
        actor=actor,
        action="rule.deleted",
        summary=f"Content rule “{rule}” deleted.",
        obj=rule,
        data={"before": snapshot},
    )
    rule.delete()
    selectors.rules_generation_bump()
