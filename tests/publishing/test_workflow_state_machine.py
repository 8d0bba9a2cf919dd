"""A hypothesis state machine: random actions by random people, in random order, never get a post
out without the approvals its route requires for the version that went out."""

from datetime import timedelta

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from coe.errors import DomainError
from publishing.models import Post, PostStage, Publication, Review, StageKind
from publishing.services import dispatch, workflow
from tests.publishing.factories import PolicyFactory, StageFactory

pytestmark = pytest.mark.django_db


def assert_every_published_post_was_approved() -> None:
    out = Publication.objects.filter(status__in=Publication.OUT).select_related("post")
    for publication in out:
        post = publication.post
        # Withdrawing later cancels what has not gone out; it cannot un-approve what did.
        assert post.status in {Post.Status.APPROVED, Post.Status.WITHDRAWN}, f"#{post.pk} out while {post.status}"
        gates = PostStage.objects.filter(post=post, review_round=post.review_round, kind=StageKind.GATE)
        for stage in gates:
            approvers = set(
                Review.objects.filter(stage=stage, decision=Review.Decision.APPROVE, post_version=post.version)
                .exclude(reviewer=post.author)
                .values_list("reviewer_id", "reviewer_label")
            )
            assert stage.status == PostStage.Status.APPROVED, f"#{post.pk}: {stage.name} is {stage.status}"
            assert len(approvers) >= stage.required_approvals, f"#{post.pk}: {stage.name} lacks approvals"


@pytest.fixture
def machine_world(pub):
    policy = PolicyFactory(name="Marketing", department=pub.marketing)
    StageFactory(policy=policy, position=10, name="Lead", department_lead=True)
    StageFactory(policy=policy, position=20, name="Legal", people=[pub.legal, pub.approver])
    StageFactory(policy=policy, position=20, name="Brand", people=[pub.member, pub.manager], required_approvals=2)
    StageFactory(policy=policy, position=30, name="FYI", kind="inform", people=[pub.leader])
    return pub


def test_random_actions_never_publish_without_the_required_approvals(machine_world, tmp_path):
    pub = machine_world
    people = [
        pub.liaison_a,
        pub.liaison_b,
        pub.member,
        pub.manager,
        pub.marketing_lead,
        pub.legal,
        pub.approver,
        pub.employee,
    ]
    channels = [pub.linkedin, pub.instagram, pub.support]
    # None stands for "the post's author": half the time the person who would really act.
    actors = st.one_of(st.none(), st.sampled_from(people))
    texts = st.sampled_from(["Spring is here", "Big news", "Tip of the day", "Join us", "Thank you"])
    published: list[int] = []  # across examples, to show the machine really got posts out

    class Workflow(RuleBasedStateMachine):
        def __init__(self):
            super().__init__()
            self.savepoint = transaction.savepoint()
            self.posts: list[Post] = []

        def teardown(self):
            transaction.savepoint_rollback(self.savepoint)

        @initialize(text=texts)
        def a_first_post(self, text):
            """Every run starts from one ordinary draft, so runs spend their steps on the workflow."""
            self.posts.append(
                workflow.post_create(
                    actor=pub.liaison_a,
                    text=text,
                    channels=[pub.linkedin],
                    scheduled_at=timezone.now() + timedelta(days=2),
                ).post
            )

        def _attempt(self, action):
            try:
                with transaction.atomic():
                    action()
            except DomainError:
                pass  # refusals are part of the game; what matters is the invariant
            self._sweep()  # after every action, beat and a worker do their part

        @rule(
            who=st.sampled_from([*people, pub.liaison_a, pub.liaison_a]), channel=st.sampled_from(channels), text=texts
        )
        def create(self, who, channel, text):
            def act():
                self.posts.append(
                    workflow.post_create(
                        actor=who, text=text, channels=[channel], scheduled_at=timezone.now() + timedelta(days=2)
                    ).post
                )

            self._attempt(act)

        @precondition(lambda self: self.posts)
        @rule(who=actors, index=st.integers(0, 50))
        def submit(self, who, index):
            post = self.posts[index % len(self.posts)]
            self._attempt(lambda: workflow.post_submit(actor=who or post.author, post=post))

        @precondition(lambda self: self.posts)
        @rule(who=st.sampled_from(people), index=st.integers(0, 50))
        def approve(self, who, index):
            post = self.posts[index % len(self.posts)]
            self._attempt(lambda: workflow.review_approve(actor=who, post=post))

        @precondition(lambda self: self.posts)
        @rule(order=st.permutations(people), index=st.integers(0, 50), passes=st.integers(1, 3))
        def everyone_tries_to_approve(self, order, index, passes):
            post = self.posts[index % len(self.posts)]
            for _ in range(passes):
                for who in order:
                    self._attempt(lambda who=who: workflow.review_approve(actor=who, post=post))

        def _sweep(self):
            """What beat and a worker would do next, synchronously."""
            result = dispatch.publications_dispatch_due()
            for publication_id in result.queued:
                if dispatch.publication_publish(publication_id=publication_id) == "published":
                    published.append(publication_id)

        @precondition(lambda self: self.posts)
        @rule(who=st.sampled_from(people), index=st.integers(0, 50), reject=st.booleans())
        def send_back(self, who, index, reject):
            post = self.posts[index % len(self.posts)]
            service = workflow.review_reject if reject else workflow.review_request_changes
            self._attempt(lambda: service(actor=who, post=post, comment="No"))

        @precondition(lambda self: self.posts)
        @rule(who=st.sampled_from(people), index=st.integers(0, 50), text=texts)
        def edit(self, who, index, text):
            post = self.posts[index % len(self.posts)]
            self._attempt(lambda: workflow.post_update(actor=who, post=post, changes={"text": text + "!"}))

        @precondition(lambda self: self.posts)
        @rule(who=st.sampled_from(people), index=st.integers(0, 50))
        def withdraw(self, who, index):
            post = self.posts[index % len(self.posts)]
            self._attempt(lambda: workflow.post_withdraw(actor=who, post=post))

        @precondition(lambda self: self.posts)
        @rule(who=actors, index=st.integers(0, 50))
        def publish_now(self, who, index):
            post = self.posts[index % len(self.posts)]
            self._attempt(lambda: workflow.post_publish_now(actor=who or post.author, post=post))

        @invariant()
        def nothing_goes_out_unapproved(self):
            assert_every_published_post_was_approved()

    run_state_machine_as_test(
        Workflow,
        settings=settings(
            max_examples=60,
            stateful_step_count=30,
            deadline=None,
            derandomize=True,  # the same examples on every run, so CI is repeatable
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
    assert published, "no example got a post out: the machine did not exercise publishing"
