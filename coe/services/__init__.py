"""Every write to the CoE's own records. Views, the API, the admin, commands and tasks all call
these functions; each checks the actor's rights through coe.permissions and the rule it names."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.text import slugify
from guardian.shortcuts import assign_perm, remove_perm
from rest_framework.authtoken.models import Token

from coe import permissions
from coe.audit import audit
from coe.errors import DomainError, NotAllowed
from coe.models import Department, Notification, User, WorkerHeartbeat
from coe.roles import ROLE_GROUP_NAMES, Role

_FIELD_OWNER_HINT = {
    "departments": "Only a CoE manager can change departments.",
    "role": "Only a CoE manager can change roles.",
    "is_active": "Only a CoE manager can deactivate people.",
    "lead": "Only a CoE manager can name a department's lead.",
}


def refuse_unwritable_fields(changes: Iterable[str], writable: frozenset[str]) -> None:
    """Refuse (rather than silently drop) any field the actor may not set."""
    refused = sorted(set(changes) - writable)
    if refused:
        raise NotAllowed(
            f"You may not change: {', '.join(refused)}.",
            code="field_not_allowed",
            fields={name: [_FIELD_OWNER_HINT.get(name, "You may not change this field.")] for name in refused},
        )


def _full_clean(instance: models.Model, *, exclude: Iterable[str] = ()) -> None:
    try:
        instance.full_clean(exclude=list(exclude))
    except ValidationError as exc:
        fields = exc.message_dict if hasattr(exc, "error_dict") else {"__all__": exc.messages}
        first = next(iter(fields.values()))[0]
        raise DomainError(first, code="invalid", fields=fields) from exc


# --- People -------------------------------------------------------------------------------------


def _active_managers_other_than(person: User) -> models.QuerySet[User]:
    return User.objects.filter(is_active=True, groups__name=Role.COE_MANAGER.group_name).exclude(pk=person.pk)


@transaction.atomic
def person_set_role(*, actor: User, person: User, role: Role | str) -> User:
    """Give ``person`` exactly one role group. Only those who manage roles may; the last active
    CoE manager cannot be demoted (someone must be able to hand out roles). CoE managers get the
    admin site (is_staff); others lose it unless they are superusers."""
    if not permissions.can_manage_roles(actor):
        raise NotAllowed("Only a CoE manager can change roles.", fields={"role": [_FIELD_OWNER_HINT["role"]]})
    role = Role(role)
    current = person.role
    if current == Role.COE_MANAGER and role != Role.COE_MANAGER and not _active_managers_other_than(person).exists():
        message = f"{person} is the last CoE manager; make someone else a CoE manager first."
        raise DomainError(message, code="last_manager", fields={"role": [message]})
    person.groups.remove(*Group.objects.filter(name__in=ROLE_GROUP_NAMES).exclude(name=role.group_name))
    person.groups.add(Group.objects.get(name=role.group_name))
    is_staff = role == Role.COE_MANAGER or person.is_superuser
    if person.is_staff != is_staff:
        person.is_staff = is_staff
        person.save(update_fields=["is_staff"])
    # Permissions are cached on the instance by the auth backends.
    for cache in ("_perm_cache", "_user_perm_cache", "_group_perm_cache", "role"):
        person.__dict__.pop(cache, None)
    if current != role:
        audit(
            actor=actor,
            action="role.changed",
            obj=person,
            summary=f"{person}'s role changed from {current.label if current else 'none'} to {role.label}.",
            data={"from": current.value if current else None, "to": role.value},
        )
    return person


@transaction.atomic
def person_update(*, actor: User, person: User, changes: Mapping[str, Any]) -> User:
    """Change profile fields. Each field is checked against what the actor may set on this
    person (own profile, or managing roles); a refused field refuses the whole change."""
    refuse_unwritable_fields(changes, permissions.person_fields_writable_by(actor, person))
    plain = {name: value for name, value in changes.items() if name not in {"departments", "role"}}
    deactivating = plain.get("is_active") is False and person.is_active
    if deactivating and person.role == Role.COE_MANAGER and not _active_managers_other_than(person).exists():
        raise DomainError("The last CoE manager cannot be deactivated.", code="last_manager")
    was_active = person.is_active
    for name, value in plain.items():
        setattr(person, name, value)
    if plain:
        _full_clean(person, exclude=["password", "departments"])
        person.save(update_fields=list(plain))
    if person.is_active != was_active:
        verb = "reactivated" if person.is_active else "deactivated"
        audit(actor=actor, action=f"person.{verb}", obj=person, summary=f"{person} was {verb}.")
    if "departments" in changes:
        before = sorted(person.departments.values_list("name", flat=True))
        person.departments.set(changes["departments"])
        after = sorted(person.departments.values_list("name", flat=True))
        if before != after:
            audit(
                actor=actor,
                action="person.departments_changed",
                obj=person,
                summary=f"{person}'s departments changed to {', '.join(after) or 'none'}.",
                data={"from": before, "to": after},
            )
    if "role" in changes and changes["role"]:
        person_set_role(actor=actor, person=person, role=changes["role"])
    return person


def api_token_regenerate(*, user: User) -> Token:
    """Replace the person's API token; the old one stops working at once."""
    with transaction.atomic():
        Token.objects.filter(user=user).delete()
        return Token.objects.create(user=user)


def api_token_get_or_create(*, user: User) -> Token:
    token, _ = Token.objects.get_or_create(user=user)
    return token


def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


# --- Departments --------------------------------------------------------------------------------


def _refuse_duplicate_department_name(name: str, exclude_pk: int | None = None) -> None:
    if Department.objects.filter(name__iexact=name.strip()).exclude(pk=exclude_pk).exists():
        message = f"A department named “{name.strip()}” already exists."
        raise DomainError(message, code="invalid", fields={"name": [message]})


def _set_department_lead(department: Department, lead: User | None, previous: User | None) -> None:
    """The lead holds the object permission to edit their department and is one of its members."""
    if previous and previous != lead:
        remove_perm("coe.change_department", previous, department)
    if lead:
        assign_perm("coe.change_department", lead, department)
        department.members.add(lead)


@transaction.atomic
def department_create(
    *, actor: User, name: str, slug: str = "", description: str = "", lead: User | None = None
) -> Department:
    """Create a department (CoE manager only). The slug follows the name unless given."""
    refuse_unwritable_fields(["name"], permissions.department_fields_writable_by(actor, None))
    _refuse_duplicate_department_name(name)
    department = Department(name=name.strip(), slug=slug or slugify(name), description=description, lead=lead)
    _full_clean(department)
    department.save()
    _set_department_lead(department, lead, None)
    audit(actor=actor, action="department.created", obj=department, summary=f"The department {department} was created.")
    return department


@transaction.atomic
def department_update(*, actor: User, department: Department, changes: Mapping[str, Any]) -> Department:
    """Change a department: a CoE manager anything, its lead only the description."""
    refuse_unwritable_fields(changes, permissions.department_fields_writable_by(actor, department))
    if "name" in changes:
        _refuse_duplicate_department_name(changes["name"], exclude_pk=department.pk)
    previous_lead = department.lead
    for name, value in changes.items():
        setattr(department, name, value.strip() if name == "name" else value)
    _full_clean(department)
    department.save()
    if "lead" in changes:
        _set_department_lead(department, department.lead, previous_lead)
        if previous_lead != department.lead:
            audit(
                actor=actor,
                action="department.lead_changed",
                obj=department,
                summary=f"{department.lead or 'Nobody'} now leads {department} (before: {previous_lead or 'nobody'}).",
            )
    return department


@transaction.atomic
def department_delete(*, actor: User, department: Department) -> None:
    if not permissions.can_delete_department(actor, department):
        raise NotAllowed("Only a CoE manager can delete a department.")
    if department.members.exists():
        raise DomainError(
            f"{department} still has {department.members.count()} people; move them to another department first.",
            code="department_not_empty",
        )
    audit(actor=actor, action="department.deleted", obj=department, summary=f"The department {department} was deleted.")
    department.delete()


# --- Operations ---------------------------------------------------------------------------------


def worker_heartbeat_record(*, hostname: str, at: datetime | None = None) -> WorkerHeartbeat:
    """Record that a worker is alive and consuming tasks. Idempotent: one row per worker."""
    heartbeat, _ = WorkerHeartbeat.objects.update_or_create(
        hostname=hostname[:255], defaults={"seen_at": at or timezone.now()}
    )
    return heartbeat


# --- Notifications ------------------------------------------------------------------------------


def notify(
    *, recipients: Iterable[User], kind: str, title: str, body: str = "", url: str = "", exclude: User | None = None
) -> int:
    """Tell people something happened: a bell entry for those who want in-app notifications and
    an e-mail (sent by a worker after commit) for those who want e-mail. Inactive people and
    ``exclude`` (usually whoever caused it) are skipped. Returns how many people were told."""
    people = {person.pk: person for person in recipients if person is not None and person.is_active}
    if exclude is not None:
        people.pop(exclude.pk, None)
    if not people:
        return 0
    Notification.objects.bulk_create(
        [
            Notification(recipient=person, kind=kind, title=title[:200], body=body, url=url)
            for person in people.values()
            if person.notify_in_app
        ]
    )
    email_to = [person.pk for person in people.values() if person.notify_by_email and person.email]
    if email_to:
        from coe.tasks import notification_email_send_task

        transaction.on_commit(
            lambda: notification_email_send_task.delay(recipient_ids=email_to, subject=title, body=body, url=url)
        )
    return len(people)


def notification_email_send(*, recipient_ids: list[int], subject: str, body: str, url: str) -> int:
    """One plain-text e-mail per person (addresses never shared in one message)."""
    from django.conf import settings
    from django.core.mail import EmailMessage, get_connection

    link = f"{settings.SITE_URL.rstrip('/')}{url}" if url.startswith("/") else url
    text = "\n\n".join(part for part in [body, link and f"Open it in CoE Hub: {link}"] if part)
    footer = "\n\n— CoE Hub. Choose which notifications you get on your profile page."
    people = User.objects.filter(pk__in=recipient_ids, is_active=True, notify_by_email=True).exclude(email="")
    messages = [EmailMessage(subject=f"[CoE Hub] {subject}", body=text + footer, to=[p.email]) for p in people]
    if not messages:
        return 0
    with get_connection() as connection:
        return connection.send_messages(messages) or 0


def notifications_mark_read(*, user: User, ids: Iterable[int] | None = None) -> int:
    unread = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        unread = unread.filter(pk__in=list(ids))
    return unread.update(read_at=timezone.now())
