"""Helpers for the content rules tests: a clean engine state per test, and rules made through
the real service."""

from __future__ import annotations

import pytest

from governance.selectors import rules as rule_selectors
from governance.services import rules as rule_services


@pytest.fixture(autouse=True)
def fresh_rules():
    """No compiled ruleset and no pending change carried over from another test."""
    rule_selectors._pending.active = False
    rule_selectors.forget_compiled_rules()
    yield
    rule_selectors._pending.active = False
    rule_selectors.forget_compiled_rules()


EXPLANATION = "Explained for the liaison: why, and what to write instead."


@pytest.fixture
def make_rule(people):
    """make_rule(kind, config, **fields) → a rule created by the CoE manager through the service."""

    def _make(kind, config, name=None, actor=None, **fields):
        fields.setdefault("explanation", EXPLANATION)
        if fields.get("severity") == "warn":
            fields.setdefault("review_stage_name", "Legal")
        return rule_services.rule_create(
            actor=actor or people.manager,
            fields={"name": name or f"{kind} {config}"[:110], "kind": kind, "config": config, **fields},
        )

    return _make
