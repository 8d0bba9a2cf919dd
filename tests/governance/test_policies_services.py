"""Policies and acknowledgments through the real services: versions and publishing, who is asked
again after a major change and not after a minor one, audiences, double clicks, who may not, the
audit trail, and what other apps ask (acknowledged_version)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.db import IntegrityError, transaction
from django.utils import timezone

from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification
from coe.roles import Role
from governance import permissions
from governance.models import Acknowledgment, AuditEntry, PolicyCategory, PolicyVersion
from governance.selectors import policies as selectors
from governance.services import policies as services
from tests.governance.policy_helpers import SMP_TEXT, make_policy, new_version

# --- versions and publishing --------------------------------------------------------------------


def test_first_version_is_published_asks_everyone_and_sets_both_pointers(people):
    policy = make_policy(people.member, publish_as=people.manager)
    v1 = policy.versions.get(number=1)
    assert v1.status == PolicyVersion.Status.PUBLISHED and v1.published_by == people.manager
    assert policy.current_version == v1 and policy.acknowledgment_version == v1
    assert policy.slug == "social-media-policy"
    asked = Notification.objects.filter(kind="policy_acknowledgment_requested")
    # everyone active is asked, except the manager who published it
    assert asked.count() == 6 and not asked.filter(recipient=people.manager).exists()


def test_a_first_version_marked_minor_still_asks_since_nothing_was_accepted_before(people):
    policy = make_policy(people.member)
    draft = policy.versions.get(number=1)
    services.policy_version_update(actor=people.member, version=draft, changes={"requires_acknowledgment": False})
    services.policy_version_publish(actor=people.manager, version=draft)
    policy.refresh_from_db()
    assert policy.acknowledgment_version_id == draft.pk
    assert PolicyVersion.objects.get(pk=draft.pk).requires_acknowledgment is True


def test_publishing_a_new_version_retires_the_previous_one(people):
    policy = make_policy(people.member, publish_as=people.manager)
    v2 = new_version(policy, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nMore.", major=True)
    statuses = dict(policy.versions.values_list("number", "status"))
    assert statuses == {1: "retired", 2: "published"}
    assert PolicyVersion.objects.get(number=1, policy=policy).retired_at is not None
    assert policy.current_version == v2 and policy.acknowledgment_version == v2


def test_a_major_version_asks_again_and_a_minor_one_does_not(people):
    policy = make_policy(people.member, publish_as=people.manager)
    v1 = policy.current_version
    services.acknowledgment_record(actor=people.employee, version=v1)
    assert selectors.has_acknowledged_current(user=people.employee, category=PolicyCategory.SOCIAL_MEDIA)

    v2 = new_version(policy, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nTypo fixed.", major=False)
    # the minor edit: v1's acceptance still counts, nobody is asked
    assert policy.acknowledgment_version == v1 and policy.current_version == v2
    assert selectors.acknowledged_version(user=people.employee, category=PolicyCategory.SOCIAL_MEDIA) == v1
    assert not Notification.objects.filter(kind="policy_acknowledgment_requested", title__contains="v2").exists()
    assert selectors.pending_acknowledgments(user=people.employee) == []

    v3 = new_version(policy, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nNew rule.", major=True)
    # the major change: asked again
    assert policy.acknowledgment_version == v3
    assert not selectors.has_acknowledged_current(user=people.employee, category=PolicyCategory.SOCIAL_MEDIA)
    assert [row.policy for row in selectors.pending_acknowledgments(user=people.employee)] == [policy]
    assert Notification.objects.filter(
        recipient=people.employee, kind="policy_acknowledgment_requested", title__contains="v3"
    ).exists()
    services.acknowledgment_record(actor=people.employee, version=v3)
    assert selectors.acknowledged_version(user=people.employee, category=PolicyCategory.SOCIAL_MEDIA) == v3


def test_acknowledged_version_is_the_newest_that_still_counts(people):
    policy = make_policy(people.member, publish_as=people.manager)
    v1 = policy.current_version
    services.acknowledgment_record(actor=people.employee, version=v1)
    v2 = new_version(policy, actor=people.member, manager=people.manager, body=SMP_TEXT + "\nWording.", major=False)
    services.acknowledgment_record(actor=people.employee, version=v2)
    assert selectors.acknowledged_version(user=people.employee, category=PolicyCategory.SOCIAL_MEDIA) == v2
    assert selectors.acknowledged_version(user=people.leader, category=PolicyCategory.SOCIAL_MEDIA) is None
    assert selectors.acknowledged_version(user=people.employee, category=PolicyCategory.BRAND) is None


def test_one_draft_at_a_time_and_only_drafts_change(people):
    policy = make_policy(people.member, publish_as=people.manager)
    draft = services.policy_version_draft(actor=people.member, policy=policy)
    assert draft.number == 2 and draft.body == policy.current_version.body
    with pytest.raises(Conflict, match="already a draft"):
        services.policy_version_draft(actor=people.member, policy=policy)
    with pytest.raises(Conflict, match="can no longer change"):
        services.policy_version_update(actor=people.member, version=policy.current_version, changes={"body": "x"})
    with pytest.raises(DomainError, match="Write the policy's text"):
        services.policy_version_update(actor=people.member, version=draft, changes={"body": "   "})
    with pytest.raises(DomainError, match="cannot be set"):
        services.policy_version_update(actor=people.member, version=draft, changes={"status": "published"})
    with pytest.raises(Conflict):
        services.policy_version_publish(actor=people.manager, version=policy.current_version)
    services.policy_version_delete(actor=people.member, version=draft)
    assert not PolicyVersion.objects.filter(pk=draft.pk).exists()
    with pytest.raises(Conflict, match="stays as the record"):
        services.policy_version_delete(actor=people.member, version=policy.current_version)


def test_the_database_keeps_one_published_version_per_policy(people):
    policy = make_policy(people.member, publish_as=people.manager)
    with pytest.raises(IntegrityError), transaction.atomic():
        PolicyVersion.objects.create(policy=policy, number=2, body="x", status=PolicyVersion.Status.PUBLISHED)


def test_retiring_withdraws_the_policy_from_everyone_but_the_coe(people):
    policy = make_policy(people.member, publish_as=people.manager)
    services.policy_version_retire(actor=people.manager, version=policy.current_version)
    policy.refresh_from_db()
    assert policy.current_version is None
    assert not permissions.policies_visible_to(people.employee).filter(pk=policy.pk).exists()
    assert permissions.policies_visible_to(people.member).filter(pk=policy.pk).exists()
    assert selectors.pending_acknowledgments(user=people.employee) == []
    assert selectors.acknowledged_version(user=people.employee, category=PolicyCategory.SOCIAL_MEDIA) is None
    draft = services.policy_version_draft(actor=people.member, policy=policy)
    assert draft.body == SMP_TEXT  # the next draft starts from the newest text


def test_one_policy_per_category_except_other(people):
    make_policy(people.member)
    with pytest.raises(DomainError, match="There already is a social media policy"):
        make_policy(people.member, title="Another social policy")
    make_policy(people.member, title="Travel", category=PolicyCategory.OTHER)
    make_policy(people.member, title="Expenses", category=PolicyCategory.OTHER)


def test_slugs_never_take_the_pages_own_addresses(people):
    policy = make_policy(people.member, title="Compliance", category=PolicyCategory.OTHER)
    assert policy.slug == "compliance-2"


def test_settings_are_checked(people):
    with pytest.raises(DomainError, match="Give the policy a title"):
        make_policy(people.member, title="  ")
    with pytest.raises(DomainError, match="Choose who it is for"):
        make_policy(people.member, audience_everyone=False)
    with pytest.raises(DomainError, match="between 1 and 365"):
        make_policy(people.member, acknowledge_within_days=0)
    with pytest.raises(DomainError, match="Only roles"):
        make_policy(people.member, audience_everyone=False, audience_roles=[Group.objects.create(name="Book club")])


# --- acknowledgments and audiences --------------------------------------------------------------


def test_a_double_click_records_one_acknowledgment_with_a_friendly_message(people):
    policy = make_policy(people.member, publish_as=people.manager)
    first = services.acknowledgment_record(actor=people.employee, version=policy.current_version)
    second = services.acknowledgment_record(actor=people.employee, version=policy.current_version)
    assert first.created and not second.created
    assert second.acknowledgment.pk == first.acknowledgment.pk
    assert "already accepted" in second.message
    assert Acknowledgment.objects.filter(user=people.employee).count() == 1
    assert AuditEntry.objects.filter(action="policy.acknowledged", actor=people.employee).count() == 1
    # the request to accept it leaves the bell
    asked = Notification.objects.get(recipient=people.employee, kind="policy_acknowledgment_requested")
    assert asked.read_at is not None


def test_drafts_and_replaced_versions_cannot_be_accepted(people):
    policy = make_policy(people.member, publish_as=people.manager)
    v1 = policy.current_version
    draft = services.policy_version_draft(actor=people.member, policy=policy)
    with pytest.raises(DomainError, match="is a draft"):
        services.acknowledgment_record(actor=people.employee, version=draft)
    services.policy_version_update(actor=people.member, version=draft, changes={"body": SMP_TEXT + "\nNew."})
    services.policy_version_publish(actor=people.manager, version=draft)
    with pytest.raises(Conflict, match="replaced by v2: read v2"):
        services.acknowledgment_record(actor=people.employee, version=v1)
    assert not Acknowledgment.objects.exists()


def test_audience_by_department_and_role(people):
    policy = make_policy(
        people.member,
        title="Brand guidelines",
        category=PolicyCategory.BRAND,
        audience_everyone=False,
        audience_departments=[people.marketing],
        audience_roles=[Group.objects.get(name=Role.APPROVER.group_name)],
        publish_as=people.manager,
    )
    audience = set(permissions.policy_audience(policy).values_list("username", flat=True))
    # Marketing's liaison and employee by department, the approver by role; nobody twice
    assert audience == {"liaison_a", "employee", "approver"}
    assert permissions.policy_audience(policy).count() == 3
    asked = set(
        Notification.objects.filter(kind="policy_acknowledgment_requested").values_list(
            "recipient__username", flat=True
        )
    )
    assert asked == audience
    services.acknowledgment_record(actor=people.approver, version=policy.current_version)
    with pytest.raises(NotAllowed, match="is for Marketing and Approvers"):
        services.acknowledgment_record(actor=people.liaison_b, version=policy.current_version)
    statuses = {row.policy.pk: row.status for row in selectors.policies_for_person(user=people.liaison_b)}
    assert statuses == {policy.pk: selectors.Status.NOT_IN_AUDIENCE}
    assert [row.policy for row in selectors.pending_acknowledgments(user=people.employee)] == [policy]
    assert selectors.pending_acknowledgments(user=people.liaison_b) == []


def test_a_new_joiner_gets_the_full_time_to_accept(people):
    published = timezone.now() - timedelta(days=30)
    policy = make_policy(people.member, publish_as=people.manager, now=published)
    type(people.employee).objects.filter(pk=people.leader.pk).update(date_joined=timezone.now() - timedelta(days=2))
    type(people.employee).objects.filter(pk=people.employee.pk).update(date_joined=published - timedelta(days=300))
    people.leader.refresh_from_db()
    people.employee.refresh_from_db()
    status = {row.policy.pk: row for row in selectors.pending_acknowledgments(user=people.employee)}[policy.pk]
    assert status.status == selectors.Status.OVERDUE
    joiner = {row.policy.pk: row for row in selectors.pending_acknowledgments(user=people.leader)}[policy.pk]
    assert joiner.status == selectors.Status.PENDING
    assert joiner.due_on == timezone.localdate(people.leader.date_joined + timedelta(days=14))


# --- who may not --------------------------------------------------------------------------------


def test_only_a_coe_manager_publishes_or_retires(people):
    policy = make_policy(people.member)
    draft = policy.versions.get()
    for person in (people.member, people.liaison_a, people.employee, people.leader):
        with pytest.raises(NotAllowed, match="Only a CoE manager publishes"):
            services.policy_version_publish(actor=person, version=draft)
    services.policy_version_publish(actor=people.manager, version=draft)
    with pytest.raises(NotAllowed):
        services.policy_version_retire(actor=people.liaison_a, version=draft)


def test_only_the_coe_creates_and_drafts(people):
    for person in (people.liaison_a, people.employee, people.approver, people.leader):
        with pytest.raises(NotAllowed, match="Only the CoE team creates policies"):
            make_policy(person)
    policy = make_policy(people.member, publish_as=people.manager)
    with pytest.raises(NotAllowed):
        services.policy_version_draft(actor=people.liaison_a, policy=policy)
    with pytest.raises(NotAllowed):
        services.policy_update(actor=people.employee, policy=policy, changes={"title": "Mine now"})


def test_employees_never_see_drafts(people):
    policy = make_policy(people.member, publish_as=people.manager)
    draft = services.policy_version_draft(actor=people.member, policy=policy)
    unpublished = make_policy(people.member, title="Crisis comms", category=PolicyCategory.CRISIS)
    for person in (people.employee, people.liaison_a, people.leader):
        assert not permissions.versions_visible_to(person).filter(pk=draft.pk).exists()
        assert not permissions.policies_visible_to(person).filter(pk=unpublished.pk).exists()
    assert permissions.versions_visible_to(people.member).filter(pk=draft.pk).exists()


def test_the_owner_drafts_and_records_reviews_but_does_not_change_the_audience(people):
    policy = make_policy(people.member, owner=people.approver, publish_as=people.manager)
    assert Notification.objects.filter(recipient=people.approver, kind="policy_owner_named").exists()
    draft = services.policy_version_draft(actor=people.approver, policy=policy)
    services.policy_version_update(actor=people.approver, version=draft, changes={"body": SMP_TEXT + "\nLegal note."})
    assert permissions.versions_visible_to(people.approver).filter(pk=draft.pk).exists()
    next_review = timezone.localdate() + timedelta(days=365)
    services.policy_update(actor=people.approver, policy=policy, changes={"review_due_on": next_review})
    with pytest.raises(NotAllowed, match="You may not change: audience_everyone"):
        services.policy_update(actor=people.approver, policy=policy, changes={"audience_everyone": False})
    with pytest.raises(NotAllowed):
        services.policy_version_publish(actor=people.approver, version=draft)


# --- audit trail --------------------------------------------------------------------------------


def test_every_change_is_in_the_audit_trail(people):
    policy = make_policy(people.member, publish_as=people.manager)
    services.policy_update(actor=people.member, policy=policy, changes={"summary": "Why and how."})
    services.acknowledgment_record(actor=people.employee, version=policy.current_version)
    draft = services.policy_version_draft(actor=people.member, policy=policy)
    services.policy_version_update(actor=people.member, version=draft, changes={"body": SMP_TEXT + "\nx"})
    services.policy_version_publish(actor=people.manager, version=draft)
    services.policy_version_retire(actor=people.manager, version=draft)
    actions = list(AuditEntry.objects.filter(app="governance").order_by("id").values_list("action", flat=True))
    assert actions == [
        "policy.created",
        "policy.version_drafted",
        "policy.version_published",
        "policy.updated",
        "policy.acknowledged",
        "policy.version_drafted",
        "policy.version_published",
        "policy.version_retired",
    ]
    published = AuditEntry.objects.filter(action="policy.version_published").order_by("id").last()
    assert published.actor == people.manager and published.data == {
        "version": 2,
        "requires_acknowledgment": True,
        "retired": 1,
    }
    updated = AuditEntry.objects.get(action="policy.updated")
    assert updated.data == {"summary": {"from": "", "to": "Why and how."}}
