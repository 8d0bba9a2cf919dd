"""Publishing fixtures: channels of two departments, a default CoE policy, and a helper that
writes and submits a post through the real services."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from coe.roles import Role
from publishing.services import workflow
from tests.coe.factories import UserFactory
from tests.publishing.factories import ChannelFactory, PolicyFactory, StageFactory


@pytest.fixture
def pub(people):
    """people + channels for marketing and service, reviewers, and the default CoE policy."""
    marketing_lead = UserFactory(username="marketing_lead", role=Role.APPROVER, departments=[people.marketing])
    people.marketing.lead = marketing_lead
    people.marketing.save()
    legal = UserFactory(username="legal", role=Role.APPROVER)
    default = PolicyFactory(name="CoE review")
    StageFactory(policy=default, name="CoE review", group=Group.objects.get(name=Role.COE_MEMBER.group_name))
    return SimpleNamespace(
        **vars(people),
        marketing_lead=marketing_lead,
        legal=legal,
        default_policy=default,
        linkedin=ChannelFactory(name="Marketing LinkedIn", department=people.marketing),
        instagram=ChannelFactory(name="Marketing Instagram", department=people.marketing),
        support=ChannelFactory(name="Support X", department=people.service),
    )


@pytest.fixture
def later():
    return timezone.now() + timedelta(days=3)


@pytest.fixture
def make_post(pub, later):
    """make_post(author=…, channels=[…], submit=True, **fields) → a post made through the services."""

    def _make(author=None, channels=None, submit=False, text="Hello from the test suite", **fields):
        author = author or pub.liaison_a
        fields.setdefault("scheduled_at", later)
        post = workflow.post_create(actor=author, text=text, channels=channels or [pub.linkedin], **fields).post
        if submit:
            workflow.post_submit(actor=author, post=post)
            post.refresh_from_db()
        return post

    return _make
