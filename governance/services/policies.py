"""Every write to policies, their versions and acknowledgments; and the reminder sweeps beat runs.

A policy's versions go draft → published → retired, one published at a time. Publishing keeps the
policy's two pointers right: ``current_version`` (what people read) and ``acknowledgment_version``
(the newest version that asked its audience to accept it; accepting it or any later version
counts). Views, the API, the admin, the demo and tasks all call these functions.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify

from coe import services as coe_services
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Department, Notification
from coe.roles import ROLE_GROUP_NAMES, Role
from governance import permissions
from governance.models import Acknowledgment, AcknowledgmentReminder, Policy, PolicyCategory, PolicyVersion

User = get_user_model()

# Addresses under /governance/policies/ that a policy's slug must never take.
RESERVED_SLUGS = frozenset({"new", "compliance", "preview"})
VERSION_FIELDS = frozenset({"body", "change_summary", "requires_acknowledgment", "effective_on"})
MAX_ACKNOWLEDGE_WITHIN_DAYS = 365
ASKING_KINDS = ("policy_acknowledgment_requested", "policy_acknowledgment_reminder")
_FIELD_HINTS = {
    "title": "Only the CoE team renames a policy.",
    "category": "Only the CoE team changes a policy's category.",
    "owner": "Only the CoE team names a policy's owner.",
    "audience_everyone": "Only the CoE team changes who a policy is for.",
    "audience_departments": "Only the CoE team changes who a policy is for.",
    "audience_roles": "Only the CoE team changes who a policy is for.",
    "acknowledge_within_days": "Only the CoE team changes the time people have to accept it.",
}


def escalate_after_days() -> int:
    return settings.POLICY_ESCALATE_AFTER_DAYS


# --- helpers ------------------------------------------------------------------------------------


def _lock_policy(policy: Policy) -> Policy:
    """The policy re-read under a row lock: publishing, retiring and reminder sweeps of one policy
    never interleave."""
    try:
        return Policy.objects.select_for_update().get(pk=policy.pk)
    except Policy.DoesNotExist as exc:
        raise DomainError("This policy no longer exists.", code="not_found") from exc


def _lock_version(version: PolicyVersion) -> PolicyVersion:
    try:
        return PolicyVersion.objects.select_for_update().get(pk=version.pk)
    except PolicyVersion.DoesNotExist as exc:
        raise DomainError("This version no longer exists.", code="not_found") from exc


def _refuse_unwritable(changes: Iterable[str], writable: frozenset[str]) -> None:
    refused = sorted(set(changes) - writable)
    if not refused:
        return
    unknown = [name for name in refused if name not in permissions.POLICY_SETTINGS_FIELDS]
    if unknown:
        raise DomainError(
            f"These cannot be set: {', '.join(unknown)}.",
            code="invalid",
            fields={name: ["Unknown or not editable."] for name in unknown},
        )
    raise NotAllowed(
        f"You may not change: {', '.join(refused)}.",
        code="field_not_allowed",
        fields={name: [_FIELD_HINTS.get(name, "You may not change this.")] for name in refused},
    )


def _unique_slug(title: str) -> str:
    """The slug follows the title at creation and then stays, so links to clauses keep working
    after a rename. It never takes an address of the policies pages themselves."""
    max_length = Policy._meta.get_field("slug").max_length
    base = (slugify(title) or "policy")[: max_length - 4].strip("-") or "policy"
    slug, counter = base, 2
    while slug in RESERVED_SLUGS or Policy.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def policy_settings_check(*, policy: Policy, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The rules a policy's settings follow (a title; one policy per category, except “Other”; an
    audience; 1–365 days to accept), cleaned; a DomainError names the field. The admin's form
    runs it too."""
    cleaned = dict(fields)
    if "title" in cleaned:
        title = " ".join(str(cleaned["title"] or "").split())
        if not title:
            raise DomainError("Give the policy a title.", code="invalid", fields={"title": ["This field is required."]})
        cleaned["title"] = title
    if "summary" in cleaned:
        cleaned["summary"] = " ".join(str(cleaned["summary"] or "").split())
    if "category" in cleaned:
        category = cleaned["category"] or PolicyCategory.OTHER
        if category not in PolicyCategory.values:
            raise DomainError(
                f"“{category}” is not a policy category.", code="invalid", fields={"category": ["Unknown category."]}
            )
        clash = Policy.objects.filter(category=category).exclude(pk=policy.pk).first()
        if category != PolicyCategory.OTHER and clash is not None:
            label = PolicyCategory(category).label.lower()
            message = (
                f"There already is a {label}: “{clash}”. Publish a new version of it rather than starting a "
                "second one, or choose another category."
            )
            raise DomainError(message, code="duplicate_category", fields={"category": [message]})
        cleaned["category"] = category
    if "owner" in cleaned and cleaned["owner"] is not None and not cleaned["owner"].is_active:
        message = f"{cleaned['owner']} is no longer active; name someone who can review the policy."
        raise DomainError(message, code="invalid", fields={"owner": [message]})
    if "acknowledge_within_days" in cleaned:
        days = cleaned["acknowledge_within_days"]
        if not isinstance(days, int) or not 1 <= days <= MAX_ACKNOWLEDGE_WITHIN_DAYS:
            message = f"Give people between 1 and {MAX_ACKNOWLEDGE_WITHIN_DAYS} days to accept it."
            raise DomainError(message, code="invalid", fields={"acknowledge_within_days": [message]})
    if "audience_roles" in cleaned:
        roles = list(cleaned["audience_roles"] or [])
        not_roles = [group.name for group in roles if group.name not in ROLE_GROUP_NAMES]
        if not_roles:
            message = f"Only roles can be an audience: {', '.join(not_roles)} is not one."
            raise DomainError(message, code="invalid", fields={"audience_roles": [message]})
        cleaned["audience_roles"] = roles
    if "audience_departments" in cleaned:
        cleaned["audience_departments"] = list(cleaned["audience_departments"] or [])
    everyone = cleaned.get("audience_everyone", policy.audience_everyone if policy.pk else True)
    if not everyone:
        departments = cleaned.get("audience_departments")
        roles = cleaned.get("audience_roles")
        if departments is None:
            departments = list(policy.audience_departments.all()) if policy.pk else []
        if roles is None:
            roles = list(policy.audience_roles.all()) if policy.pk else []
        if not departments and not roles:
            message = "Choose who it is for: everyone, or at least one department or role."
            raise DomainError(message, code="invalid", fields={"audience_everyone": [message]})
    return cleaned


def _apply_settings(policy: Policy, cleaned: Mapping[str, Any]) -> None:
    for name, value in cleaned.items():
        if name not in {"audience_departments", "audience_roles"}:
            setattr(policy, name, value)
    try:
        policy.full_clean(exclude=["slug"], validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError(next(iter(fields.values()))[0], code="invalid", fields=fields) from exc
    policy.save()
    if "audience_departments" in cleaned:
        policy.audience_departments.set(cleaned["audience_departments"])
    if "audience_roles" in cleaned:
        policy.audience_roles.set(cleaned["audience_roles"])


def _audit_value(value: Any) -> Any:
    if isinstance(value, (list, tuple, set, QuerySet)):
        return sorted(str(item) for item in value)
    if isinstance(value, date):
        return value.isoformat()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    return str(value)


def audience_label(policy: Policy) -> str:
    """Who a policy is for, in words: “everyone”, or “Marketing, Sales and Liaisons”."""
    if policy.audience_everyone:
        return "everyone"
    names = [d.name for d in policy.audience_departments.all()] + [f"{g.name}s" for g in policy.audience_roles.all()]
    if not names:
        return "nobody yet"
    return names[0] if len(names) == 1 else f"{', '.join(names[:-1])} and {names[-1]}"


# --- policies -----------------------------------------------------------------------------------


@transaction.atomic
def policy_create(*, actor, fields: Mapping[str, Any], body: str = "", change_summary: str = "") -> Policy:
    """Create a policy (CoE staff). One policy per category, except “Other”; the audience is
    everyone or at least one department or role. With ``body`` its first draft is written too."""
    writable = permissions.policy_fields_writable_by(actor, None)
    if not writable:
        raise NotAllowed("Only the CoE team creates policies; ask a CoE member to start the one you need.")
    _refuse_unwritable(fields, writable)
    policy = Policy()
    cleaned = policy_settings_check(policy=policy, fields={"title": fields.get("title", ""), **fields})
    policy.slug = _unique_slug(cleaned["title"])
    _apply_settings(policy, cleaned)
    audit(
        actor=actor,
        action="policy.created",
        obj=policy,
        summary=f"The policy “{policy}” was created ({policy.get_category_display()}, for {audience_label(policy)}).",
        data={name: _audit_value(value) for name, value in cleaned.items()},
    )
    if body.strip():
        _draft_create(actor=actor, policy=policy, body=body, change_summary=change_summary or "First version.")
    if policy.owner is not None:
        _tell_new_owner(policy, actor)
    return policy


@transaction.atomic
def policy_update(*, actor, policy: Policy, changes: Mapping[str, Any]) -> Policy:
    """Change a policy's settings. CoE staff change everything; its owner the summary and the
    next review date (recording a review). A new audience or deadline applies at once to the
    version people are asked to accept."""
    if not permissions.policy_fields_writable_by(actor, policy):
        raise NotAllowed("Only the CoE team and the policy's owner change a policy.")
    _refuse_unwritable(changes, permissions.policy_fields_writable_by(actor, policy))
    policy = _lock_policy(policy)
    before = {
        name: _audit_value(
            list(getattr(policy, name).all())
            if name in {"audience_departments", "audience_roles"}
            else getattr(policy, name)
        )
        for name in changes
    }
    previous_owner_id = policy.owner_id
    cleaned = policy_settings_check(policy=policy, fields=changes)
    _apply_settings(policy, cleaned)
    after = {name: _audit_value(value) for name, value in cleaned.items()}
    changed = {name: {"from": before[name], "to": after[name]} for name in after if before[name] != after[name]}
    if changed:
        audit(
            actor=actor,
            action="policy.updated",
            obj=policy,
            summary=f"The policy “{policy}” was changed: {', '.join(name.replace('_', ' ') for name in changed)}.",
            data=changed,
        )
    if policy.owner_id and policy.owner_id != previous_owner_id:
        _tell_new_owner(policy, actor)
    return policy


def _tell_new_owner(policy: Policy, actor) -> None:
    review = f" Its next review is due on {policy.review_due_on:%d %b %Y}." if policy.review_due_on else ""
    coe_services.notify(
        recipients=[policy.owner],
        kind="policy_owner_named",
        title=f"You now own the policy “{policy}”",
        body=f"You keep it current: you may draft new versions and you are reminded when it is due for review.{review}",
        url=policy.get_absolute_url(),
        exclude=actor if getattr(actor, "pk", None) else None,
    )


# --- versions -----------------------------------------------------------------------------------


def _draft_create(*, actor, policy: Policy, body: str, change_summary: str) -> PolicyVersion:
    number = (policy.versions.order_by("-number").values_list("number", flat=True).first() or 0) + 1
    version = PolicyVersion(
        policy=policy,
        number=number,
        body=body,
        change_summary=change_summary.strip(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    _clean_version(version)
    version.save()
    audit(
        actor=actor,
        action="policy.version_drafted",
        obj=policy,
        summary=f"{version.label} of “{policy}” was drafted.",
        data={"version": version.number},
    )
    return version


def _clean_version(version: PolicyVersion) -> None:
    try:
        version.full_clean(exclude=["policy", "created_by", "published_by"], validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError(next(iter(fields.values()))[0], code="invalid", fields=fields) from exc


@transaction.atomic
def policy_version_draft(*, actor, policy: Policy) -> PolicyVersion:
    """Start the next version from the current text (or the newest version's, when nothing is
    published). One draft at a time, so two people never write competing drafts."""
    if not permissions.can_edit_policy(actor, policy):
        raise NotAllowed("Only the CoE team and the policy's owner write new versions.")
    policy = _lock_policy(policy)
    draft = policy.versions.filter(status=PolicyVersion.Status.DRAFT).first()
    if draft is not None:
        raise Conflict(f"{draft.label} of “{policy}” is already a draft: edit it, or delete it to start again.")
    source = policy.current_version or policy.versions.order_by("-number").first()
    return _draft_create(
        actor=actor, policy=policy, body=source.body if source else f"# {policy.title}\n\n", change_summary=""
    )


@transaction.atomic
def policy_version_update(*, actor, version: PolicyVersion, changes: Mapping[str, Any]) -> PolicyVersion:
    """Edit a draft: its text, change summary, whether it asks everyone to accept it again, and
    its effective date. Published and retired versions never change: write a new version."""
    if not permissions.can_edit_policy(actor, version.policy):
        raise NotAllowed("Only the CoE team and the policy's owner edit drafts.")
    unknown = sorted(set(changes) - VERSION_FIELDS)
    if unknown:
        raise DomainError(
            f"These cannot be set: {', '.join(unknown)}.",
            code="invalid",
            fields={name: ["Unknown or not editable."] for name in unknown},
        )
    version = _lock_version(version)
    if version.status != PolicyVersion.Status.DRAFT:
        raise Conflict(
            f"{version.label} is {version.get_status_display().lower()} and can no longer change; "
            "start a new draft for your edits."
        )
    for name, value in changes.items():
        setattr(version, name, value.strip() if name == "change_summary" and isinstance(value, str) else value)
    _clean_version(version)
    version.save()
    return version


@transaction.atomic
def policy_version_delete(*, actor, version: PolicyVersion) -> None:
    """Throw away a draft. Published and retired versions are the record of what people accepted
    and stay for good."""
    if not permissions.can_edit_policy(actor, version.policy):
        raise NotAllowed("Only the CoE team and the policy's owner delete drafts.")
    version = _lock_version(version)
    if version.status != PolicyVersion.Status.DRAFT:
        raise Conflict(f"{version.label} was published; it stays as the record of what people accepted.")
    policy = version.policy
    audit(
        actor=actor,
        action="policy.draft_deleted",
        obj=policy,
        summary=f"The draft {version.label} of “{policy}” was deleted.",
        data={"version": version.number},
    )
    version.delete()


@transaction.atomic
def policy_version_publish(*, actor, version: PolicyVersion, now: datetime | None = None) -> PolicyVersion:
    """Publish a draft (CoE manager). The version published before it is retired. A version that
    requires acknowledgment — and always a policy's first — becomes the one people must accept,
    and its audience is asked to; a minor edit does not ask again (earlier acceptances still
    count). An effective date in the past becomes the publication day."""
    if not permissions.can_publish_policies(actor):
        raise NotAllowed("Only a CoE manager publishes policy versions; ask them to review and publish this draft.")
    now = now or timezone.now()
    policy = _lock_policy(version.policy)
    version = _lock_version(version)
    if version.status != PolicyVersion.Status.DRAFT:
        raise Conflict(f"{version.label} of “{policy}” is already {version.get_status_display().lower()}.")
    _clean_version(version)
    previous = policy.versions.filter(status=PolicyVersion.Status.PUBLISHED).first()
    if previous is not None:
        previous.status, previous.retired_at = PolicyVersion.Status.RETIRED, now
        previous.save(update_fields=["status", "retired_at"])
    asks = version.requires_acknowledgment or policy.acknowledgment_version_id is None
    version.status = PolicyVersion.Status.PUBLISHED
    version.published_at = now
    version.published_by = actor if getattr(actor, "pk", None) else None
    version.effective_on = max(version.effective_on, timezone.localdate(now))
    version.requires_acknowledgment = asks
    version.save()
    policy.current_version = version
    if asks:
        policy.acknowledgment_version = version
    policy.save(update_fields=["current_version", "acknowledgment_version", "updated_at"])
    audit(
        actor=actor,
        action="policy.version_published",
        obj=policy,
        summary=f"{version.label} of “{policy}” was published"
        + (" and everyone in its audience is asked to accept it." if asks else " as a minor edit (no new acceptance).")
        + (f" {previous.label} was retired." if previous else ""),
        data={
            "version": version.number,
            "requires_acknowledgment": asks,
            "retired": previous.number if previous else None,
        },
    )
    if asks:
        days = policy.acknowledge_within_days
        coe_services.notify(
            recipients=permissions.policy_audience(policy),
            kind="policy_acknowledgment_requested",
            title=f"Please read and accept “{policy}” ({version.label})",
            body=(version.change_summary + "\n\n" if version.change_summary else "")
            + f"Read it and select “I have read and accept” within {days} day{'s' if days != 1 else ''}.",
            url=policy.get_absolute_url(),
            exclude=actor if getattr(actor, "pk", None) else None,
        )
    return version


@transaction.atomic
def policy_version_retire(*, actor, version: PolicyVersion, now: datetime | None = None) -> PolicyVersion:
    """Withdraw the published version (CoE manager) without a successor: the policy is no longer
    shown to anyone but the CoE until a new version is published. (Publishing a new version
    retires the old one by itself.)"""
    if not permissions.can_publish_policies(actor):
        raise NotAllowed("Only a CoE manager retires policy versions.")
    policy = _lock_policy(version.policy)
    version = _lock_version(version)
    if version.status != PolicyVersion.Status.PUBLISHED:
        hint = " Delete the draft instead." if version.status == PolicyVersion.Status.DRAFT else ""
        raise Conflict(f"Only the published version can be retired; {version.label} is {version.status}.{hint}")
    version.status, version.retired_at = PolicyVersion.Status.RETIRED, now or timezone.now()
    version.save(update_fields=["status", "retired_at"])
    policy.current_version = None
    policy.save(update_fields=["current_version", "updated_at"])
    audit(
        actor=actor,
        action="policy.version_retired",
        obj=policy,
        summary=f"{version.label} of “{policy}” was retired; the policy is withdrawn until a new version is published.",
        data={"version": version.number},
    )
    return version


# --- acknowledgments ----------------------------------------------------------------------------


@dataclass(frozen=True)
class AcknowledgmentOutcome:
    acknowledgment: Acknowledgment
    created: bool

    @property
    def message(self) -> str:
        version = self.acknowledgment.version
        if self.created:
            return f"Thank you: you accepted “{version.policy}” ({version.label})."
        when = timezone.localtime(self.acknowledgment.acknowledged_at)
        return f"You had already accepted “{version.policy}” ({version.label}) on {when:%d %b %Y}; nothing more to do."


@transaction.atomic
def acknowledgment_record(*, actor, version: PolicyVersion, now: datetime | None = None) -> AcknowledgmentOutcome:
    """“I have read and accept”: the person accepts this published version of a policy whose
    audience includes them. Accepting twice keeps the first record (a double click is harmless);
    drafts and replaced versions cannot be accepted."""
    if not permissions.can_view_policies(actor) or not getattr(actor, "pk", None):
        raise NotAllowed("Sign in to accept a policy.")
    version = PolicyVersion.objects.select_related("policy").get(pk=version.pk)
    policy = version.policy
    existing = Acknowledgment.objects.filter(user=actor, version=version).first()
    if existing is not None:
        return AcknowledgmentOutcome(existing, created=False)
    if version.status == PolicyVersion.Status.DRAFT:
        raise DomainError(f"{version.label} of “{policy}” is a draft; only published versions can be accepted.")
    if version.status == PolicyVersion.Status.RETIRED:
        current = policy.current_version
        raise Conflict(
            f"{version.label} of “{policy}” has been replaced"
            + (f" by {current.label}: read {current.label} and accept that one." if current else " and withdrawn.")
        )
    if not permissions.is_in_policy_audience(actor, policy):
        raise NotAllowed(f"“{policy}” is for {audience_label(policy)}; you are not asked to accept it.")
    acknowledgment, created = Acknowledgment.objects.get_or_create(
        user=actor, version=version, defaults={"acknowledged_at": now or timezone.now()}
    )
    if created:
        # The requests and reminders to accept it are done with: off the bell.
        asked = Notification.objects.filter(
            recipient=actor, read_at__isnull=True, url=policy.get_absolute_url(), kind__in=ASKING_KINDS
        ).values_list("pk", flat=True)
        coe_services.notifications_mark_read(user=actor, ids=list(asked))
        audit(
            actor=actor,
            action="policy.acknowledged",
            obj=policy,
            summary=f"{actor} accepted “{policy}” ({version.label}).",
            data={"version": version.number, "version_id": version.pk},
        )
    return AcknowledgmentOutcome(acknowledgment, created=created)


# --- reminders (Celery beat) --------------------------------------------------------------------


def compliant_q(policy: Policy, *, user_ref: str = "pk") -> Exists:
    """For a queryset of people: has accepted the policy's acknowledgment version or a later one."""
    required = policy.acknowledgment_version
    return Exists(
        Acknowledgment.objects.filter(
            user=OuterRef(user_ref), version__policy_id=policy.pk, version__number__gte=required.number
        )
    )


def overdue_people(policy: Policy, *, now: datetime) -> QuerySet:
    """People in the audience who have not accepted the required version and whose time is up:
    the deadline runs from its publication, or from the day they joined when that was later."""
    required = policy.acknowledgment_version
    if required is None or policy.current_version_id is None or required.published_at is None:
        return User.objects.none()
    cutoff = now - timedelta(days=policy.acknowledge_within_days)
    if required.published_at > cutoff:
        return User.objects.none()
    return permissions.policy_audience(policy).filter(date_joined__lte=cutoff).exclude(compliant_q(policy))


@dataclass
class ReminderRun:
    reminded: int = 0
    escalated: int = 0


def _leads_of(people: list) -> dict[int, list]:
    """Each person's department leads (not themselves); people whose department has no lead go
    to the CoE managers, who own the programme."""
    leads: dict[int, list] = defaultdict(list)
    rows = Department.members.through.objects.filter(user_id__in=[p.pk for p in people]).values_list(
        "user_id", "department__lead_id"
    )
    lead_ids = {lead_id for _, lead_id in rows if lead_id}
    lead_by_id = {lead.pk: lead for lead in User.objects.filter(pk__in=lead_ids, is_active=True)}
    for user_id, lead_id in rows:
        lead = lead_by_id.get(lead_id)
        if lead is not None and lead.pk != user_id:
            leads[user_id].append(lead)
    managers = list(User.objects.filter(is_active=True, groups__name=Role.COE_MANAGER.group_name))
    for person in people:
        if not leads[person.pk]:
            leads[person.pk] = [m for m in managers if m.pk != person.pk]
    return leads


def _remind_policy(policy: Policy, *, now: datetime, escalate_after: timedelta) -> ReminderRun:
    run = ReminderRun()
    required = policy.acknowledgment_version
    overdue = overdue_people(policy, now=now)
    # Reminders: once per person and version.
    to_remind = list(
        overdue.exclude(
            Exists(
                AcknowledgmentReminder.objects.filter(
                    user=OuterRef("pk"), version=required, kind=AcknowledgmentReminder.Kind.REMINDER
                )
            )
        )
    )
    if to_remind:
        AcknowledgmentReminder.objects.bulk_create(
            [
                AcknowledgmentReminder(
                    user=person, version=required, kind=AcknowledgmentReminder.Kind.REMINDER, sent_at=now
                )
                for person in to_remind
            ],
            ignore_conflicts=True,
        )
        coe_services.notify(
            recipients=to_remind,
            kind="policy_acknowledgment_reminder",
            title=f"Reminder: please read and accept “{policy}” ({required.label})",
            body=f"It asks everyone it applies to to accept it within {policy.acknowledge_within_days} days, and "
            "your time is up. It takes a few minutes: read it and select “I have read and accept”.",
            url=policy.get_absolute_url(),
        )
        run.reminded = len(to_remind)
    # Escalations: still missing a while after the reminder; once per person and version.
    to_escalate = list(
        overdue.filter(
            Exists(
                AcknowledgmentReminder.objects.filter(
                    user=OuterRef("pk"),
                    version=required,
                    kind=AcknowledgmentReminder.Kind.REMINDER,
                    sent_at__lte=now - escalate_after,
                )
            )
        ).exclude(
            Exists(
                AcknowledgmentReminder.objects.filter(
                    user=OuterRef("pk"), version=required, kind=AcknowledgmentReminder.Kind.ESCALATION
                )
            )
        )
    )
    if to_escalate:
        AcknowledgmentReminder.objects.bulk_create(
            [
                AcknowledgmentReminder(
                    user=person, version=required, kind=AcknowledgmentReminder.Kind.ESCALATION, sent_at=now
                )
                for person in to_escalate
            ],
            ignore_conflicts=True,
        )
        by_lead: dict[int, tuple[Any, list]] = {}
        for person, leads in _leads_of(to_escalate).items():
            for lead in leads:
                by_lead.setdefault(lead.pk, (lead, []))[1].append(person)
        names = {person.pk: str(person) for person in to_escalate}
        for lead, person_ids in by_lead.values():
            listed = sorted(names[pk] for pk in person_ids)
            shown = ", ".join(listed[:20]) + (f" and {len(listed) - 20} more" if len(listed) > 20 else "")
            count = len(listed)
            coe_services.notify(
                recipients=[lead],
                kind="policy_acknowledgment_escalated",
                title=f"{count} {'person has' if count == 1 else 'people have'} not accepted “{policy}” "
                f"({required.label})",
                body=f"Reminded {escalate_after.days} or more days ago and still missing: {shown}. "
                "Please ask them to read and accept it.",
                url=policy.get_absolute_url(),
            )
        audit(
            actor=None,
            action="policy.acknowledgments_escalated",
            obj=policy,
            summary=f"{len(to_escalate)} overdue acceptance{'s' if len(to_escalate) != 1 else ''} of “{policy}” "
            f"({required.label}) escalated to department leads.",
            data={"version": required.number, "people": sorted(person.pk for person in to_escalate)},
        )
        run.escalated = len(to_escalate)
    return run


def policy_acknowledgments_remind(*, now: datetime | None = None) -> ReminderRun:
    """Remind each person whose acceptance is overdue, once per version; escalate to their
    department lead (or the CoE managers) once, ``POLICY_ESCALATE_AFTER_DAYS`` after the reminder
    if still missing. Each policy is swept under its row lock and every reminder leaves a row, so a
    second beat or a doubled run sends nothing twice."""
    now = now or timezone.now()
    escalate_after = timedelta(days=escalate_after_days())
    total = ReminderRun()
    ids = Policy.objects.filter(current_version__isnull=False, acknowledgment_version__isnull=False).values_list(
        "pk", flat=True
    )
    for policy_id in list(ids):
        with transaction.atomic():
            policy = Policy.objects.select_for_update().filter(pk=policy_id).first()
            if policy is None or policy.current_version_id is None:
                continue
            run = _remind_policy(policy, now=now, escalate_after=escalate_after)
        total.reminded += run.reminded
        total.escalated += run.escalated
    return total


def policies_remind_review_due(*, now: datetime | None = None) -> int:
    """Tell each published policy's owner (or the CoE managers, when it has none) that its review
    date has come, once per review date: setting the next date arms the reminder again."""
    today = timezone.localdate(now or timezone.now())
    due = Q(review_due_on__lte=today, current_version__isnull=False) & (
        Q(review_reminded_on__isnull=True) | Q(review_reminded_on__lt=F("review_due_on"))
    )
    told = 0
    for policy in Policy.objects.filter(due).select_related("owner"):
        if not Policy.objects.filter(due, pk=policy.pk).update(review_reminded_on=today):
            continue  # another sweep claimed it
        owner = policy.owner if policy.owner is not None and policy.owner.is_active else None
        recipients = (
            [owner] if owner else list(User.objects.filter(is_active=True, groups__name=Role.COE_MANAGER.group_name))
        )
        coe_services.notify(
            recipients=recipients,
            kind="policy_review_due",
            title=f"“{policy}” is due for review",
            body=f"Its review date was {policy.review_due_on:%d %b %Y}. Read it with fresh eyes: draft a new version "
            "if something changed, then set the next review date on the policy.",
            url=policy.get_absolute_url(),
        )
        told += 1
    return told
