"""The department facts each domain app registers (coe.extensions.department_facts), against
hand-counted data, for several departments and the whole company (None), in a fixed number of
queries."""

from datetime import timedelta

import pytest
from django.utils import timezone

from coe.extensions import department_facts
from governance.extensions import department_facts as governance_facts
from governance.models import Acknowledgment, CrisisPlan, Policy, PolicyVersion
from publishing.extensions import department_facts as publishing_facts
from publishing.models import Post, Publication
from tests.coe.factories import DepartmentFactory, UserFactory
from tests.publishing.factories import ChannelFactory
from training.extensions import department_facts as training_facts
from training.models import Certificate, CertificationTrack

pytestmark = pytest.mark.django_db


def facts(result, pk):
    return {fact.key: fact.value for fact in result[pk]}


def _post(department, author, *, submitted=None, approved=None):
    return Post.objects.create(
        author=author, department=department, text="Hello", submitted_at=submitted, approved_at=approved
    )


def test_publishing_facts(people):
    now = timezone.now()
    a, b = people.marketing, people.service
    ChannelFactory(department=a)
    ChannelFactory(department=a, is_active=False)
    channel_b = ChannelFactory(department=b)
    channel_a = a.channels.filter(is_active=True).get()
    # Marketing: two posts published this month (one on two channels counts once), one last month
    post = _post(a, people.liaison_a)
    Publication.objects.create(post=post, channel=channel_a, status="published", published_at=now)
    Publication.objects.create(post=post, channel=channel_b, status="published", published_at=now)
    Publication.objects.create(post=_post(a, people.liaison_a), channel=channel_a, status="published", published_at=now)
    Publication.objects.create(
        post=_post(a, people.liaison_a), channel=channel_a, status="published", published_at=now - timedelta(days=40)
    )
    Publication.objects.create(post=_post(b, people.liaison_b), channel=channel_b, status="scheduled")
    # Turnaround: Marketing 2 h, 4 h, 30 h → median 4; Service 10 h; one too old to count
    for hours in (2, 4, 30):
        _post(a, people.liaison_a, submitted=now - timedelta(hours=hours + 1), approved=now - timedelta(hours=1))
    _post(b, people.liaison_b, submitted=now - timedelta(hours=11), approved=now - timedelta(hours=1))
    _post(b, people.liaison_b, submitted=now - timedelta(days=100), approved=now - timedelta(days=95))
    result = publishing_facts([a.pk, b.pk, people.coe_team.pk])
    if timezone.localtime(now).day == 1 and timezone.localtime(now).hour == 0:
        pytest.skip("the month just began")
    assert facts(result, a.pk) == {"channels": 2, "posts_this_month": 2, "approval_turnaround_hours": 4.0}
    assert facts(result, b.pk) == {"channels": 1, "posts_this_month": 0, "approval_turnaround_hours": 10.0}
    assert facts(result, people.coe_team.pk) == {
        "channels": 0,
        "posts_this_month": 0,
        "approval_turnaround_hours": None,
    }
    assert facts(result, None) == {"channels": 3, "posts_this_month": 2, "approval_turnaround_hours": 7.0}
    assert result[a.pk][0].display == "2 (1 active)"


def _policy(title, version_number=1, **fields):
    policy = Policy.objects.create(title=title, slug=title.lower().replace(" ", "-"), **fields)
    version = PolicyVersion.objects.create(
        policy=policy, number=version_number, body="Text", status="published", published_at=timezone.now()
    )
    policy.current_version = policy.acknowledgment_version = version
    policy.save()
    return policy, version


def test_governance_facts(people):
    # Everyone's policy: all 7 people must accept. A Marketing-only policy: 2 people (liaison_a, employee).
    everyone, v1 = _policy("Social media policy")
    marketing_only, v2 = _policy("Marketing guidelines", audience_everyone=False)
    marketing_only.audience_departments.add(people.marketing)
    draft = Policy.objects.create(title="Draft", slug="draft")  # never published: asks nothing
    assert draft.current_version_id is None
    for user in (people.liaison_a, people.employee, people.liaison_b, people.manager):
        Acknowledgment.objects.create(user=user, version=v1)
    Acknowledgment.objects.create(user=people.liaison_a, version=v2)
    UserFactory(username="gone", departments=[people.marketing], is_active=False)  # inactive: not counted
    result = governance_facts([people.marketing.pk, people.service.pk])
    # Marketing: pairs 2 (everyone) + 2 (marketing policy) = 4, accepted 2 + 1 = 3 → 75 %
    assert facts(result, people.marketing.pk) == {"policy_ack_pct": 75.0}
    # Customer Service: liaison_b and approver, one accepted → 50 %
    assert facts(result, people.service.pk) == {"policy_ack_pct": 50.0}
    # Company: 7 + 2 = 9 pairs, 4 + 1 = 5 accepted → 55.6 %; no crisis plan yet
    assert facts(result, None) == {"policy_ack_pct": 55.6, "crisis_plan_exists": False}
    CrisisPlan.objects.create(name="Crisis plan")
    assert facts(governance_facts([]), None)["crisis_plan_exists"] is True


def test_training_facts(people):
    track = CertificationTrack.objects.create(name="Certified", slug="certified")
    old = CertificationTrack.objects.create(name="Retired", slug="retired", is_active=False)
    later = timezone.now() + timedelta(days=100)

    def certify(user, track=track, **fields):
        Certificate.objects.create(user=user, track=track, holder_name=str(user), expires_at=later, **fields)

    certify(people.liaison_a)
    certify(people.liaison_a, track=old)  # two certificates: still one person
    Certificate.objects.create(
        user=people.employee, track=track, holder_name="x", expires_at=timezone.now() - timedelta(days=1)
    )  # expired
    certify(people.liaison_b, track=old)  # only an inactive track
    certify(people.manager)
    result = training_facts([people.marketing.pk, people.service.pk])
    assert facts(result, people.marketing.pk) == {"certified_pct": 50.0}  # liaison_a of 2
    assert facts(result, people.service.pk) == {"certified_pct": 0.0}
    assert facts(result, None) == {"certified_pct": round(100 * 2 / 7, 1)}


@pytest.mark.parametrize("size", [2, 12])
def test_all_providers_answer_in_a_fixed_number_of_queries(people, django_assert_max_num_queries, size):
    departments = [DepartmentFactory(name=f"D{size}-{i}") for i in range(size)]
    for department in departments:
        UserFactory(departments=[department])
        ChannelFactory(department=department)
    _policy("Social media policy")
    with django_assert_max_num_queries(13):
        result = department_facts([d.pk for d in departments])
    keys = {fact.key for fact in result[departments[0].pk]}
    assert keys == {"channels", "posts_this_month", "approval_turnaround_hours", "policy_ack_pct", "certified_pct"}
    assert {fact.key for fact in result[None]} >= keys | {"crisis_plan_exists"}
