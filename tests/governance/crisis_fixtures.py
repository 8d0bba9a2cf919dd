"""Crisis fixtures for the crisis tests (imported by each of them): a plan naming a spokesperson
who is not a liaison (the PR lead), an escalation list, two scenarios and holding statements; and
helpers to declare an incident through the real service."""

from __future__ import annotations

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.utils import timezone

from coe.roles import Role
from governance.models import Severity
from governance.services import crisis as services
from publishing.models import Publication
from publishing.services import workflow
from tests.coe.factories import DepartmentFactory, UserFactory


@pytest.fixture
def crisis(pub):
    """pub + a PR lead (spokesperson, approver role: not a liaison), a crisis plan and helpers."""
    pr = DepartmentFactory(name="PR & Communications", slug="pr-communications")
    pr_lead = UserFactory(username="pr_lead", role=Role.APPROVER, departments=[pr])
    plan = services.plan_create(
        actor=pub.manager,
        fields={
            "name": "Crisis plan",
            "purpose": "When something goes wrong.",
            "escalation_contacts": [pub.leader, pub.approver, pub.manager],
            "spokespeople": [pr_lead, pub.manager],
            "shortcut_coe_approvals": 1,
        },
        scenarios=[
            {"name": "Service outage", "default_severity": Severity.HIGH, "first_steps": "Confirm\nDeclare"},
            {"name": "Safety complaint", "default_severity": Severity.CRITICAL},
        ],
        holding_statements=[
            {"title": "We know", "scenario": "Service outage", "text": "We know [service] is down since [time]."},
            {"title": "Pausing", "scenario": "", "text": "We are pausing our planned posts."},
        ],
    )

    def declare(actor=None, *, channels=None, **fields):
        fields.setdefault("title", "Checkout is down")
        fields.setdefault("severity", Severity.HIGH)
        fields.setdefault("first_statement", "We know checkout is down since 08:05.")
        return services.incident_declare(
            actor=actor or pub.manager,
            plan=plan,
            all_channels=channels is None,
            channels=channels or [],
            **fields,
        )

    def resolve(incident, actor=None):
        return services.incident_resolve(actor=actor or pub.manager, incident=incident, resolution="Fixed at 11:48.")

    return SimpleNamespace(**vars(pub), pr_lead=pr_lead, plan=plan, declare=declare, resolve=resolve)


@pytest.fixture
def approved_due(crisis, make_post):
    """approved_due(channel, text=…) → an approved publication whose time has come."""

    def _due(channel, text="Black Friday deals all day", author=None):
        author = author or (crisis.liaison_b if channel.department_id == crisis.service.pk else crisis.liaison_a)
        post = make_post(author=author, channels=[channel], submit=True, text=text)
        workflow.review_approve(actor=crisis.member, post=post)
        publication = post.publications.get()
        Publication.objects.filter(pk=publication.pk).update(scheduled_at=timezone.now() - timedelta(seconds=5))
        publication.refresh_from_db()
        assert publication.status == Publication.Status.SCHEDULED
        return publication

    return _due
