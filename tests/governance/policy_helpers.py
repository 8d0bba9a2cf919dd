"""Building policies for the tests through the real services (governance.services.policies)."""

from __future__ import annotations

from datetime import datetime

from governance.models import Policy, PolicyCategory, PolicyVersion
from governance.services import policies as services

SMP_TEXT = """\
## Purpose {#purpose}

Why we have this policy.

## Disclosing your employment {#disclosure}

Say that you work here when you talk about us.
"""


def make_policy(
    actor,
    *,
    title: str = "Social media policy",
    category: str = PolicyCategory.SOCIAL_MEDIA,
    body: str = SMP_TEXT,
    publish_as=None,
    now: datetime | None = None,
    **fields,
) -> Policy:
    """A policy with its first draft; published by ``publish_as`` (a manager) when given."""
    policy = services.policy_create(actor=actor, fields={"title": title, "category": category, **fields}, body=body)
    if publish_as is not None:
        services.policy_version_publish(actor=publish_as, version=policy.versions.get(number=1), now=now)
        policy.refresh_from_db()
    return policy


def new_version(
    policy: Policy, *, actor, manager, body: str, major: bool, summary: str = "", now: datetime | None = None
) -> PolicyVersion:
    """Draft the next version with ``body`` and publish it as a major or a minor change."""
    draft = services.policy_version_draft(actor=actor, policy=policy)
    services.policy_version_update(
        actor=actor,
        version=draft,
        changes={"body": body, "requires_acknowledgment": major, "change_summary": summary},
    )
    version = services.policy_version_publish(actor=manager, version=draft, now=now)
    policy.refresh_from_db()
    return version
