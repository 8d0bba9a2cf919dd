"""Factories of the steering committee (helper STEERING)."""

from datetime import UTC, datetime, timedelta

import factory
from django.utils import timezone

from coe.models import ActionItem, SteeringMeeting, SteeringMember, SteeringSeries
from tests.coe.factories import UserFactory


class SteeringMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SteeringMember

    user = factory.SubFactory(UserFactory)
    joined_on = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=100))


class SteeringSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SteeringSeries

    cadence = SteeringSeries.Cadence.MONTHLY
    first_meeting_at = datetime(2026, 1, 13, 9, 30, tzinfo=UTC)
    location = "Board room"


class SteeringMeetingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SteeringMeeting

    scheduled_at = factory.LazyFunction(lambda: timezone.now() - timedelta(days=7))
    status = SteeringMeeting.Status.HELD
    agenda = "1. Charter\n2. Budget"


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    title = factory.Sequence(lambda n: f"Action {n}")
    owner = factory.SubFactory(UserFactory)
    due_on = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=10))
