"""Governance's records: versioned policies and who acknowledged them, content rules checked on
every post, crisis plans and incidents, and the append-only audit trail."""

from governance.models.audit import AuditEntry
from governance.models.crisis import (
    CrisisIncident,
    CrisisPlan,
    CrisisScenario,
    HoldingStatement,
    IncidentUpdate,
    Severity,
)
from governance.models.policies import (
    Acknowledgment,
    AcknowledgmentReminder,
    Policy,
    PolicyCategory,
    PolicyVersion,
)
from governance.models.rules import ContentRule, RuleKind, RuleSeverity

__all__ = [
    "Acknowledgment",
    "AcknowledgmentReminder",
    "AuditEntry",
    "ContentRule",
    "CrisisIncident",
    "CrisisPlan",
    "CrisisScenario",
    "HoldingStatement",
    "IncidentUpdate",
    "Policy",
    "PolicyCategory",
    "PolicyVersion",
    "RuleKind",
    "RuleSeverity",
    "Severity",
]
