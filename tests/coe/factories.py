import factory
from django.contrib.auth.models import Group

from coe.models import Department, User
from coe.roles import Role


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department
        django_get_or_create = ("slug",)

    name = factory.Sequence(lambda n: f"Department {n}")
    slug = factory.LazyAttribute(lambda o: o.name.lower().replace(" ", "-").replace("&", "and"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"person{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.com")
    password = factory.django.Password("pw-for-tests-123")
    time_zone = "UTC"

    @factory.post_generation
    def role(self, create, extracted, **kwargs):
        if create and extracted:
            role = Role(extracted)
            self.groups.add(Group.objects.get(name=role.group_name))
            if role == Role.COE_MANAGER and not self.is_staff:
                self.is_staff = True
                self.save(update_fields=["is_staff"])

    @factory.post_generation
    def departments(self, create, extracted, **kwargs):
        if create and extracted:
            self.departments.set(extracted)
