"""Reading content rules: the rules list (scoped to the person asking) and the compiled ruleset
every check uses.

The ruleset is compiled once per process and kept until a rule changes. A *rules generation*
token in Django's cache says which rules are current: the rule services set it after every
committed change (``rules_generation_bump``), and each check compares it with the token its
ruleset was compiled from — one cache read per check. When the cache is cold (a restart, an
eviction) the token is rebuilt from the rules table itself (how many rules, the latest change),
so a change made outside the services is also picked up within ``GENERATION_SECONDS``.

Inside the transaction that changes a rule the change is not committed yet, so other processes
must not see it; that thread alone compiles fresh rules for each check until its transaction
ends (``_pending``).
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass

from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Count, Max, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.urls import NoReverseMatch

from governance import permissions
from governance.models import ContentRule
from governance.rules import Ruleset, RuleSpec

log = logging.getLogger(__name__)

GENERATION_KEY = "governance:rules-generation"
GENERATION_SECONDS = 600

_lock = threading.Lock()
_compiled: Ruleset | None = None
_pending = threading.local()
compile_count = 0  # how many times this process compiled the rules (tests and the benchmark read it)


# --- the list -----------------------------------------------------------------------------------


@dataclass
class RuleFilters:
    search: str = ""
    kind: str = ""
    severity: str = ""
    status: str = ""  # "", "active" or "inactive"


def rules_list(*, user, filters: RuleFilters | None = None) -> QuerySet[ContentRule]:
    """The rules a person may see, active first, then by kind and name, with what the list shows."""
    filters = filters or RuleFilters()
    rules = (
        permissions.rules_visible_to(user)
        .select_related("policy", "review_group")
        .prefetch_related("channels", "departments", "review_people")
        .order_by("-is_active", "kind", "name")
    )
    if filters.search:
        words = filters.search.strip()
        rules = rules.filter(Q(name__icontains=words) | Q(explanation__icontains=words) | Q(clause__icontains=words))
    if filters.kind:
        rules = rules.filter(kind=filters.kind)
    if filters.severity:
        rules = rules.filter(severity=filters.severity)
    if filters.status in {"active", "inactive"}:
        rules = rules.filter(is_active=filters.status == "active")
    return rules


def rule_get(*, user, pk: int) -> ContentRule:
    """One rule the person may see (404 otherwise)."""
    return get_object_or_404(rules_list(user=user), pk=pk)


def rule_counts(*, user) -> dict[str, int]:
    rules = permissions.rules_visible_to(user)
    return rules.aggregate(
        active=Count("pk", filter=Q(is_active=True)),
        blocking=Count("pk", filter=Q(is_active=True, severity="block")),
        warning=Count("pk", filter=Q(is_active=True, severity="warn")),
        inactive=Count("pk", filter=Q(is_active=False)),
    )


# --- the compiled ruleset -----------------------------------------------------------------------


def clause_url(rule: ContentRule) -> str:
    """The policy clause a rule enforces: the policy page, at the clause's heading."""
    if rule.policy_id is None:
        return ""
    try:
        url = rule.policy.get_absolute_url()
    except NoReverseMatch:  # the policies pages are not installed
        return ""
    return f"{url}#{rule.clause_anchor}" if rule.clause_anchor else url


def rule_spec(rule: ContentRule) -> RuleSpec:
    """What the engine needs of a rule (its many-to-many relations prefetched)."""
    return RuleSpec(
        id=rule.pk,
        name=rule.name,
        kind=rule.kind,
        severity=rule.severity,
        config=rule.config,
        explanation=rule.explanation,
        clause=rule.clause,
        clause_url=clause_url(rule),
        everywhere=rule.applies_everywhere,
        channel_ids=frozenset(channel.pk for channel in rule.channels.all()),
        department_ids=frozenset(department.pk for department in rule.departments.all()),
        review_stage_name=rule.review_stage_name,
        review_group_id=rule.review_group_id,
        review_people_ids=tuple(sorted(person.pk for person in rule.review_people.all())),
    )


def _active_specs() -> list[RuleSpec]:
    rules = (
        ContentRule.objects.filter(is_active=True)
        .select_related("policy")
        .prefetch_related(
            Prefetch("channels", queryset=ContentRule.channels.field.related_model.objects.only("pk")),
            "departments",
            Prefetch("review_people", queryset=ContentRule.review_people.field.related_model.objects.only("pk")),
        )
        .order_by("pk")
    )
    return [rule_spec(rule) for rule in rules]


def _fingerprint() -> str:
    """The rules table in a few numbers: any committed change moves one of them."""
    state = ContentRule.objects.aggregate(count=Count("pk"), last=Max("updated_at"), top=Max("pk"))
    last = state["last"].isoformat() if state["last"] else "-"
    return f"db:{state['count']}:{state['top'] or 0}:{last}"


def rules_generation() -> str:
    """The token of the current rules (from the cache; from the table when the cache is cold or
    cannot be reached — a check never fails because Redis is down)."""
    try:
        token = cache.get(GENERATION_KEY)
    except Exception:  # the cache server is down: ask the table
        log.warning("The cache cannot be read; the rules generation comes from the table.", exc_info=True)
        return _fingerprint()
    if token is None:
        token = _fingerprint()
        try:
            cache.add(GENERATION_KEY, token, GENERATION_SECONDS)
        except Exception:
            log.warning("The cache cannot be written.", exc_info=True)
    return token


def rules_generation_bump() -> None:
    """Called by every rule service: this thread sees its own uncommitted change at once; every
    process recompiles after the commit."""
    _pending.active = True

    def committed() -> None:
        _pending.active = False
        try:
            cache.set(GENERATION_KEY, _fingerprint(), GENERATION_SECONDS)
        except Exception:  # readers fall back to the table while the cache is away
            log.warning("The new rules generation could not be cached.", exc_info=True)

    transaction.on_commit(committed)


def _compile(token: str) -> Ruleset:
    global compile_count
    compile_count += 1
    return Ruleset(_active_specs(), token=token)


def active_ruleset() -> Ruleset:
    """The compiled active rules; compiled again only when a rule has changed."""
    global _compiled
    if getattr(_pending, "active", False):
        if connection.in_atomic_block:
            return _compile("uncommitted")  # this thread's own change, not yet committed
        _pending.active = False  # its transaction ended (committed or rolled back)
    token = rules_generation()
    compiled = _compiled
    if compiled is not None and compiled.token == token:
        return compiled
    with _lock:
        if _compiled is None or _compiled.token != token:
            _compiled = _compile(token)
        return _compiled


def forget_compiled_rules() -> None:
    """Drop this process's compiled rules (tests start from a clean slate with it)."""
    global _compiled
    with _lock:
        _compiled = None
