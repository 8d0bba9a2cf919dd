"""The demo's assignments: the Social Publisher track for every liaison, the social media policy
module for everyone (one assignment per role), the Crisis Spokesperson track for PR &
Communications, social selling for Sales (due in two days), brand voice for Marketing (long
overdue) and a personal one. Made through the real service, some as if weeks ago, so due dates
have passed. Idempotent: an active assignment of the same thing to the same audience is kept."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from coe.models import Department
from coe.permissions import SYSTEM
from coe.roles import Role
from training.models import Assignment, CertificationTrack, Module, ModuleStatus
from training.services import assignments as services

User = get_user_model()


@dataclass(frozen=True)
class DemoAssignment:
    target: str  # "module:<slug>" or "track:<slug>"
    audience: str  # "department:<slug>", "role:<role value>" or "user:<username>"
    made_days_ago: int
    due_in_days: int  # negative: already passed
    note: str = ""
    days_for_newcomers: int = 30


ASSIGNMENTS = [
    DemoAssignment(
        "track:social-publisher",
        f"role:{Role.LIAISON.value}",
        30,
        12,
        "Liaisons need the certificate to submit to the company's support and brand channels.",
    ),
    *[
        DemoAssignment(
            "module:social-media-policy-and-disclosure",
            f"role:{role.value}",
            45,
            -10,
            "Everyone at Acme takes this once a year: it is how we keep our name safe on social media.",
            14,
        )
        for role in Role
    ],
    DemoAssignment(
        "track:crisis-spokesperson",
        "department:pr-communications",
        5,
        25,
        "Everyone who may speak for Acme in a crisis holds this certificate.",
    ),
    DemoAssignment("module:social-selling", "department:sales", 20, 2, "Before the social selling pilot starts."),
    DemoAssignment("module:brand-voice", "department:marketing", 60, -30, "", 21),
    DemoAssignment("module:measuring-what-matters", "user:member", 3, 40, "For the new KPI dashboard."),
]


def _target(spec: str) -> dict:
    kind, slug = spec.split(":", 1)
    if kind == "module":
        module = Module.objects.filter(slug=slug, status=ModuleStatus.PUBLISHED).first()
        return {"module": module} if module else {}
    track = CertificationTrack.objects.filter(slug=slug, is_active=True).first()
    return {"track": track} if track else {}


def _audience(spec: str) -> dict:
    kind, key = spec.split(":", 1)
    if kind == "department":
        department = Department.objects.filter(slug=key).first()
        return {"department": department} if department else {}
    if kind == "role":
        group = Group.objects.filter(name=Role(key).group_name).first()
        return {"role": group} if group else {}
    person = User.objects.filter(username=key, is_active=True).first()
    return {"user": person} if person else {}


def seed() -> None:
    now = timezone.now()
    actor = User.objects.filter(username="manager", is_active=True).first() or SYSTEM  # the CoE manager assigns
    for spec in ASSIGNMENTS:
        target, audience = _target(spec.target), _audience(spec.audience)
        if not target or not audience:
            continue  # the curriculum or the company is not there
        lookup = {"module": None, "track": None, "department": None, "role": None, "user": None, **target, **audience}
        if Assignment.objects.filter(is_active=True, **lookup).exists():
            continue
        made = now - timedelta(days=spec.made_days_ago)
        services.assignment_create(
            actor=actor,
            due_on=timezone.localdate(now) + timedelta(days=spec.due_in_days),
            days_for_newcomers=spec.days_for_newcomers,
            note=spec.note,
            now=made,
            **target,
            **audience,
        )
