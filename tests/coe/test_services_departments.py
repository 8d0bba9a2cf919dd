"""coe.services for departments: the lead's object permission follows the lead."""

import pytest

from coe import services
from coe.errors import DomainError, NotAllowed

pytestmark = pytest.mark.django_db


def test_manager_creates_a_department_with_a_slug_from_its_name(people):
    department = services.department_create(actor=people.manager, name="  PR & Communications ")
    assert department.name == "PR & Communications" and department.slug == "pr-communications"


def test_department_names_are_unique_whatever_their_case(people):
    with pytest.raises(DomainError, match="already exists"):
        services.department_create(actor=people.manager, name="MARKETING", slug="marketing-2")
    with pytest.raises(DomainError, match="already exists"):
        services.department_update(actor=people.manager, department=people.service, changes={"name": "marketing"})


def test_only_a_manager_creates_departments(people):
    with pytest.raises(NotAllowed):
        services.department_create(actor=people.member, name="Sales")


def test_the_lead_permission_moves_with_the_lead(people):
    services.department_update(actor=people.manager, department=people.marketing, changes={"lead": people.liaison_a})
    assert people.liaison_a.has_perm("coe.change_department", people.marketing)
    assert people.marketing.members.filter(pk=people.liaison_a.pk).exists()

    services.department_update(actor=people.manager, department=people.marketing, changes={"lead": people.employee})
    fresh = type(people.liaison_a).objects.get(pk=people.liaison_a.pk)  # no cached permissions
    assert not fresh.has_perm("coe.change_department", people.marketing)
    assert people.employee.has_perm("coe.change_department", people.marketing)


def test_lead_changes_only_the_description(people):
    services.department_update(actor=people.manager, department=people.marketing, changes={"lead": people.liaison_a})
    services.department_update(actor=people.liaison_a, department=people.marketing, changes={"description": "Brand"})
    with pytest.raises(NotAllowed):
        services.department_update(actor=people.liaison_a, department=people.marketing, changes={"lead": None})


def test_a_department_with_people_is_not_deleted(people):
    with pytest.raises(DomainError, match="move them"):
        services.department_delete(actor=people.manager, department=people.marketing)
