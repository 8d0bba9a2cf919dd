"""The workflow rules, one by one, through the real services."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification
from coe.roles import Role
from publishing.models import ApprovalPolicy, Post, PostStage, Publication, Review
from publishing.services import workflow
from tests.coe.factories import UserFactory
from tests.publishing.factories import PolicyFactory, StageFactory

pytestmark = pytest.mark.django_db


def stage_statuses(post):
    post.refresh_from_db()
    return [(s.name, s.status) for s in PostStage.objects.filter(post=post, review_round=post.review_round)]


@pytest.fixture
def two_stage(pub):
    """Marketing: the department lead, then Legal."""
    policy = PolicyFactory(name="Marketing", department=pub.marketing)
    StageFactory(policy=policy, position=10, name="Department lead", department_lead=True)
    StageFactory(policy=policy, position=20, name="Legal", people=[pub.legal])
    return policy


# --- boundaries ---------------------------------------------------------------------------------


def test_liaison_writes_for_own_department_channels_only(pub, make_post):
    post = make_post()
    assert post.status == Post.Status.DRAFT and post.department == pub.marketing
    assert list(post.publications.values_list("status", flat=True)) == [Publication.Status.PENDING]
    with pytest.raises(NotAllowed) as refused:
        make_post(channels=[pub.support])
    assert "channels" in refused.value.fields and "Support X" in refused.value.message


def test_employee_cannot_write_posts(pub, make_post):
    with pytest.raises(NotAllowed):
        make_post(author=pub.employee)


def test_past_time_is_refused(pub, make_post):
    with pytest.raises(DomainError) as refused:
        make_post(scheduled_at=timezone.now() - timedelta(minutes=5))
    assert "scheduled_at" in refused.value.fields


def test_submit_without_any_policy_is_refused_with_the_channel_named(pub, make_post):
    pub.default_policy.delete()
    post = make_post()
    with pytest.raises(DomainError, match="No approval policy covers Marketing LinkedIn"):
        workflow.post_submit(actor=pub.liaison_a, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


# --- approvals ----------------------------------------------------------------------------------


def test_default_route_then_approval_schedules_every_publication(pub, make_post, later):
    post = make_post(channels=[pub.linkedin, pub.instagram], submit=True)
    assert post.status == Post.Status.IN_REVIEW
    assert stage_statuses(post) == [("CoE review", "active")]
    assert Notification.objects.filter(recipient=pub.member, kind="review_waiting").exists()
    workflow.review_approve(actor=pub.member, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    assert set(post.publications.values_list("status", "scheduled_at")) == {(Publication.Status.SCHEDULED, later)}


def test_nobody_approves_their_own_post(pub, make_post):
    post = make_post(author=pub.member, submit=True)
    with pytest.raises(NotAllowed) as refused:
        workflow.review_approve(actor=pub.member, post=post)
    assert refused.value.code == "own_post"


def test_a_second_click_does_not_approve_twice(pub, make_post):
    policy = PolicyFactory(name="Two of them", department=pub.marketing)
    StageFactory(policy=policy, name="Pair", people=[pub.member, pub.manager], required_approvals=2)
    post = make_post(submit=True)
    workflow.review_approve(actor=pub.member, post=post)
    with pytest.raises(Conflict) as refused:
        workflow.review_approve(actor=pub.member, post=post)
    assert refused.value.code == "already_approved"
    assert Review.objects.filter(post=post, decision="approve").count() == 1
    workflow.review_approve(actor=pub.manager, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED


def test_stages_run_in_order(pub, make_post, two_stage):
    post = make_post(submit=True)
    assert stage_statuses(post) == [("Department lead", "active"), ("Legal", "waiting")]
    with pytest.raises(NotAllowed):
        workflow.review_approve(actor=pub.legal, post=post)
    workflow.review_approve(actor=pub.marketing_lead, post=post)
    assert stage_statuses(post) == [("Department lead", "approved"), ("Legal", "active")]
    workflow.review_approve(actor=pub.legal, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED


def test_equal_positions_run_side_by_side_and_both_must_approve(pub, make_post):
    policy = PolicyFactory(name="Parallel", department=pub.marketing)
    StageFactory(policy=policy, position=10, name="Brand", people=[pub.member])
    StageFactory(policy=policy, position=10, name="Legal", people=[pub.legal])
    post = make_post(submit=True)
    assert sorted(stage_statuses(post)) == [("Brand", "active"), ("Legal", "active")]
    workflow.review_approve(actor=pub.legal, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    workflow.review_approve(actor=pub.member, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED


def test_inform_stages_notify_and_never_block(pub, make_post):
    policy = PolicyFactory(name="Light", department=pub.marketing)
    StageFactory(policy=policy, position=10, name="Lead", department_lead=True)
    StageFactory(policy=policy, position=20, name="CoE", kind="inform", people=[pub.manager])
    post = make_post(submit=True)
    workflow.review_approve(actor=pub.marketing_lead, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    assert ("CoE", "informed") in stage_statuses(post)
    assert Notification.objects.filter(recipient=pub.manager, kind="post_fyi").exists()


def test_edit_after_an_approval_resets_approvals_and_tells_the_approver(pub, make_post, two_stage):
    post = make_post(submit=True)
    workflow.review_approve(actor=pub.marketing_lead, post=post)
    workflow.post_update(actor=pub.liaison_a, post=post, changes={"text": "A changed claim"})
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW and post.version == 2 and post.review_round == 2
    assert stage_statuses(post) == [("Department lead", "active"), ("Legal", "waiting")]
    assert Notification.objects.filter(recipient=pub.marketing_lead, kind="post_edited_after_approval").exists()
    # The old approval does not count for the new version.
    with pytest.raises(NotAllowed):
        workflow.review_approve(actor=pub.legal, post=post)


def test_edit_of_an_approved_post_sends_it_back_to_review(pub, make_post):
    post = make_post(submit=True)
    workflow.review_approve(actor=pub.member, post=post)
    workflow.post_update(actor=pub.liaison_a, post=post, changes={"link": "https://example.com/new"})
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert set(post.publications.values_list("status", flat=True)) == {Publication.Status.PENDING}


def test_moving_an_approved_post_in_time_keeps_its_approval(pub, make_post, later):
    post = make_post(submit=True)
    workflow.review_approve(actor=pub.member, post=post)
    workflow.post_reschedule(actor=pub.liaison_a, post=post, scheduled_at=later + timedelta(days=1))
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    assert set(post.publications.values_list("scheduled_at", flat=True)) == {later + timedelta(days=1)}


def test_rejected_is_final(pub, make_post):
    post = make_post(submit=True)
    with pytest.raises(DomainError):
        workflow.review_reject(actor=pub.member, post=post, comment="  ")
    workflow.review_reject(actor=pub.member, post=post, comment="Off brand.")
    post.refresh_from_db()
    assert post.status == Post.Status.REJECTED
    assert set(post.publications.values_list("status", flat=True)) == {Publication.Status.CANCELLED}
    for attempt in (
        lambda: workflow.post_submit(actor=pub.liaison_a, post=post),
        lambda: workflow.post_update(actor=pub.liaison_a, post=post, changes={"text": "again"}),
        lambda: workflow.review_approve(actor=pub.member, post=post),
        lambda: workflow.post_reschedule(actor=pub.liaison_a, post=post, scheduled_at=None),
    ):
        with pytest.raises(Conflict):
            attempt()


def test_changes_requested_goes_back_to_the_author_and_can_be_resubmitted(pub, make_post):
    post = make_post(submit=True)
    workflow.review_request_changes(actor=pub.member, post=post, comment="Add the source.")
    post.refresh_from_db()
    assert post.status == Post.Status.CHANGES_REQUESTED
    assert Notification.objects.filter(recipient=pub.liaison_a, kind="post_changes_requested").exists()
    workflow.post_update(actor=pub.liaison_a, post=post, changes={"text": "With the source."})
    workflow.post_submit(actor=pub.liaison_a, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW and post.review_round == 2


def test_other_departments_liaison_cannot_touch_the_post(pub, make_post):
    post = make_post(submit=True)
    for attempt in (
        lambda: workflow.post_withdraw(actor=pub.liaison_b, post=post),
        lambda: workflow.post_update(actor=pub.liaison_b, post=post, changes={"text": "x"}),
        lambda: workflow.review_approve(actor=pub.liaison_b, post=post),
    ):
        with pytest.raises(NotAllowed):
            attempt()


def test_a_stage_only_its_author_could_approve_goes_to_the_coe_managers(pub, make_post):
    policy = PolicyFactory(name="Lead only", department=pub.marketing)
    StageFactory(policy=policy, name="Department lead", department_lead=True)
    pub.marketing.lead = pub.liaison_a  # the author is the only one the stage names
    pub.marketing.save()
    post = make_post(submit=True)
    stage = PostStage.objects.get(post=post)
    assert stage.group.name == Role.COE_MANAGER.group_name and "routed to the CoE managers" in stage.source
    workflow.review_approve(actor=pub.manager, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED


def test_all_of_them_means_everyone_named_then(pub, make_post):
    policy = PolicyFactory(name="All", department=pub.marketing)
    StageFactory(policy=policy, name="Board", people=[pub.member, pub.legal], required_approvals=0)
    post = make_post(submit=True)
    assert PostStage.objects.get(post=post).required_approvals == 2


def test_late_approval_publishes_at_once_or_waits_as_the_policy_says(pub, make_post):
    post = make_post(scheduled_at=timezone.now() + timedelta(minutes=2), submit=True)
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    workflow.review_approve(actor=pub.member, post=post)
    publication = post.publications.get()
    assert publication.status == Publication.Status.SCHEDULED and publication.scheduled_at <= timezone.now()

    pub.default_policy.late_approval = ApprovalPolicy.LateApproval.NEW_TIME
    pub.default_policy.save()
    post = make_post(text="another", scheduled_at=timezone.now() + timedelta(minutes=2), submit=True)
    Post.objects.filter(pk=post.pk).update(scheduled_at=timezone.now() - timedelta(minutes=1))
    workflow.review_approve(actor=pub.member, post=post)
    publication = post.publications.get()
    assert (publication.status, publication.hold_reason) == (Publication.Status.HELD, "needs_time")
    workflow.post_reschedule(actor=pub.liaison_a, post=post, scheduled_at=timezone.now() + timedelta(hours=1))
    publication.refresh_from_db()
    assert publication.status == Publication.Status.SCHEDULED


def test_withdraw_cancels_what_has_not_gone_out(pub, make_post):
    post = make_post(submit=True)
    workflow.post_withdraw(actor=pub.liaison_a, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.WITHDRAWN
    assert set(post.publications.values_list("status", flat=True)) == {Publication.Status.CANCELLED}


def test_every_transition_is_recorded_with_who_and_what(pub, make_post):
    post = make_post(submit=True)
    workflow.review_request_changes(actor=pub.member, post=post, comment="Shorter please")
    actions = list(post.transitions.values_list("action", "actor__username", "from_status", "to_status", "comment"))
    assert actions == [
        ("created", "liaison_a", "", "draft", ""),
        ("submitted", "liaison_a", "draft", "in_review", ""),
        ("changes_requested", "member", "in_review", "changes_requested", "Shorter please"),
    ]


# --- stand-ins ----------------------------------------------------------------------------------


def test_a_stand_in_approves_for_the_approver_but_never_their_own_post(pub, make_post, two_stage):
    stand_in = UserFactory(username="stand_in", role=Role.APPROVER, departments=[pub.marketing])
    now = timezone.now()
    workflow.delegation_create(
        actor=pub.marketing_lead, delegate=stand_in, starts_at=now - timedelta(hours=1), ends_at=now + timedelta(days=2)
    )
    post = make_post(submit=True)
    review = workflow.review_approve(actor=stand_in, post=post)
    assert review.on_behalf_of == pub.marketing_lead


def test_delegation_periods_and_self_are_checked(pub):
    now = timezone.now()
    with pytest.raises(DomainError):
        workflow.delegation_create(actor=pub.approver, delegate=pub.approver, starts_at=now, ends_at=now + timedelta(1))
    with pytest.raises(DomainError):
        workflow.delegation_create(actor=pub.approver, delegate=pub.member, starts_at=now, ends_at=now)


# --- deadlines ----------------------------------------------------------------------------------


def test_a_post_still_in_review_at_its_time_expires_and_can_be_given_a_new_time(pub, make_post):
    post = make_post(scheduled_at=timezone.now() + timedelta(minutes=1), submit=True)
    assert workflow.posts_expire_overdue(now=timezone.now() + timedelta(minutes=2)) == 1
    assert workflow.posts_expire_overdue(now=timezone.now() + timedelta(minutes=2)) == 0  # idempotent
    post.refresh_from_db()
    assert post.status == Post.Status.EXPIRED
    assert Notification.objects.filter(recipient=pub.liaison_a, kind="post_expired").exists()
    workflow.post_reschedule(actor=pub.liaison_a, post=post, scheduled_at=timezone.now() + timedelta(days=1))
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_overdue_reviews_are_reminded_then_escalated_once(pub, make_post):
    pub.default_policy.stages.update(turnaround_hours=2)
    post = make_post(submit=True)
    stage = PostStage.objects.get(post=post)
    assert stage.due_at is not None
    assert workflow.stages_remind_overdue(now=stage.due_at + timedelta(minutes=1)) == (1, 0)
    assert workflow.stages_remind_overdue(now=stage.due_at + timedelta(minutes=2)) == (0, 0)
    assert workflow.stages_remind_overdue(now=stage.due_at + timedelta(hours=3)) == (0, 1)
    assert Notification.objects.filter(recipient=pub.manager, kind="review_escalated").exists()


# --- duplicates and outside reviewers -----------------------------------------------------------


def test_the_same_text_on_the_same_channel_within_30_days_warns(pub, make_post, later):
    make_post(text="Same words")
    outcome = workflow.post_create(
        actor=pub.liaison_a, text="same   WORDS", channels=[pub.linkedin], scheduled_at=later + timedelta(days=2)
    )
    assert outcome.warnings and "duplicate" in outcome.warnings[0]
    other_channel = workflow.post_create(
        actor=pub.liaison_a, text="Same words", channels=[pub.instagram], scheduled_at=later
    )
    assert other_channel.warnings == []


def test_outside_reviewer_decides_through_a_signed_link(pub, make_post, django_capture_on_commit_callbacks):
    policy = PolicyFactory(name="Agency", department=pub.marketing)
    StageFactory(policy=policy, name="Agency", external_reviewers="agency@example.com")
    post = make_post(submit=True)
    invite = post.external_invites.get()
    from publishing.services.routes import external_review_token

    token = external_review_token(invite)
    assert workflow.external_invite_from_token(token) == invite
    workflow.external_review_decide(invite=invite, decision="approve", comment="", name="Ann Agency")
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    assert post.reviews.get().reviewer_label.startswith("Ann Agency")
    with pytest.raises(Conflict):
        workflow.external_review_decide(invite=invite, decision="approve", comment="")
    with pytest.raises(DomainError, match="not valid"):
        workflow.external_invite_from_token(token + "x")


def test_an_outside_link_goes_stale_when_the_post_changes(pub, make_post):
    policy = PolicyFactory(name="Agency", department=pub.marketing)
    StageFactory(policy=policy, name="Agency", external_reviewers="agency@example.com")
    post = make_post(submit=True)
    invite = post.external_invites.get()
    workflow.post_update(actor=pub.liaison_a, post=post, changes={"text": "changed"})
    with pytest.raises(Conflict, match="changed"):
        workflow.external_review_decide(invite=invite, decision="approve", comment="")


def test_comment_notifies_the_author(pub, make_post):
    post = make_post(submit=True)
    workflow.comment_add(actor=pub.member, post=post, body="Nice one")
    assert Notification.objects.filter(recipient=pub.liaison_a, kind="post_comment").exists()
    with pytest.raises(NotAllowed):
        workflow.comment_add(actor=pub.liaison_b, post=post, body="peek")


def test_group_membership_counts_at_decision_time(pub, make_post):
    post = make_post(submit=True)
    newcomer = UserFactory(username="newcomer", role=Role.COE_MEMBER)
    assert newcomer.groups.filter(name=Group.objects.get(name=Role.COE_MEMBER.group_name).name).exists()
    workflow.review_approve(actor=newcomer, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
