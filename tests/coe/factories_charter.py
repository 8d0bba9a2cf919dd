import datetime

import factory

from coe.models import CharterVersion, Objective, Practice, PracticeTag


class CharterVersionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CharterVersion

    number = factory.Sequence(lambda n: n + 1)
    status = CharterVersion.Status.DRAFT
    vision = "Social is where our customers talk about us."
    business_goals = "Grow awareness."
    how_achieved = "A central team publishes."
    how_measured = "Followers each month."


class ObjectiveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Objective

    title = factory.Sequence(lambda n: f"Objective {n}")
    period_start = datetime.date(2026, 1, 1)
    period_end = datetime.date(2026, 12, 31)


class PracticeTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PracticeTag
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Tag {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-"))


class PracticeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Practice

    title = factory.Sequence(lambda n: f"Practice {n}")
    summary = "A short summary."
    what_was_done = "Something was done."
    results = "Some results."
    status = Practice.Status.APPROVED
