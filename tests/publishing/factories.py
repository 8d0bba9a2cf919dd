import factory

from publishing.models import ApprovalPolicy, ApprovalStage, Campaign, Channel, ContentTheme
from tests.coe.factories import DepartmentFactory


class ChannelFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Channel

    name = factory.Sequence(lambda n: f"Channel {n}")
    network = "console"
    handle = factory.Sequence(lambda n: f"@channel{n}")
    department = factory.SubFactory(DepartmentFactory)
    time_zone = "UTC"
    settings = factory.LazyFunction(dict)


class CampaignFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Campaign

    name = factory.Sequence(lambda n: f"Campaign {n}")
    slug = factory.Sequence(lambda n: f"campaign-{n}")


class ThemeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ContentTheme

    name = factory.Sequence(lambda n: f"Theme {n}")
    slug = factory.Sequence(lambda n: f"theme-{n}")


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalPolicy

    name = factory.Sequence(lambda n: f"Policy {n}")


class StageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalStage
        skip_postgeneration_save = True

    policy = factory.SubFactory(PolicyFactory)
    position = 10
    name = "Review"
    kind = "gate"
    required_approvals = 1

    @factory.post_generation
    def people(self, create, extracted, **kwargs):
        if create and extracted:
            self.people.set(extracted)
