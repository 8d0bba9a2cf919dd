"""coe.permissions: every role against the people and departments it may and may not touch."""

import pytest
from guardian.shortcuts import assign_perm

from coe import permissions
from coe.permissions import OWN_PROFILE_FIELDS, PEOPLE_ADMIN_FIELDS, SYSTEM
from tests.coe.factories import UserFactory

pytestmark = pytest.mark.django_db


def visible_usernames(user):
    return set(permissions.people_visible_to(user).values_list("username", flat=True))


def test_coe_staff_and_leadership_see_everyone_active(people):
    everyone = {"manager", "member", "liaison_a", "liaison_b", "approver", "employee", "leader"}
    for viewer in (people.manager, people.member, people.leader):
        assert visible_usernames(viewer) == everyone


def test_only_role_managers_see_deactivated_people(people):
    UserFactory(username="gone", is_active=False, departments=[people.marketing])
    assert "gone" in visible_usernames(people.manager)
    assert "gone" not in visible_usernames(people.member)
    assert "gone" not in visible_usernames(people.liaison_a)


def test_liaison_sees_only_own_department_colleagues_and_self(people):
    assert visible_usernames(people.liaison_a) == {"liaison_a", "employee"}
    assert visible_usernames(people.liaison_b) == {"liaison_b", "approver"}


def test_person_without_department_sees_only_themselves(people):
    loner = UserFactory(username="loner", role="employee")
    assert visible_usernames(loner) == {"loner"}


def test_person_without_role_sees_no_departments_and_no_directory(people):
    nobody = UserFactory(username="norole")
    assert not permissions.departments_visible_to(nobody).exists()
    assert not permissions.can_view_all_people(nobody)


def test_every_role_sees_the_department_directory(people):
    for person in (people.manager, people.member, people.liaison_a, people.approver, people.employee, people.leader):
        assert permissions.departments_visible_to(person).count() == 3


def test_inactive_or_anonymous_people_may_do_nothing(people):
    from django.contrib.auth.models import AnonymousUser

    people.manager.is_active = False
    for user in (people.manager, AnonymousUser()):
        assert not permissions.can_manage_roles(user)
        assert not permissions.departments_visible_to(user).exists()
        assert not permissions.people_visible_to(user).exists()


def test_only_the_coe_manager_manages_roles_and_uses_admin(people):
    assert permissions.can_manage_roles(people.manager)
    assert permissions.can_use_admin(people.manager)
    for person in (people.member, people.liaison_a, people.approver, people.employee, people.leader):
        assert not permissions.can_manage_roles(person)
        assert not permissions.can_use_admin(person)


def test_operations_are_for_coe_staff(people):
    assert permissions.can_view_operations(people.manager)
    assert permissions.can_view_operations(people.member)
    for person in (people.liaison_a, people.approver, people.employee, people.leader):
        assert not permissions.can_view_operations(person)


def test_people_set_their_own_profile_but_not_their_role_or_department(people):
    writable = permissions.person_fields_writable_by(people.liaison_a, people.liaison_a)
    assert writable == OWN_PROFILE_FIELDS
    assert "departments" not in writable and "role" not in writable


def test_nobody_but_a_manager_edits_someone_else(people):
    for person in (people.member, people.liaison_a, people.leader, people.employee):
        assert permissions.person_fields_writable_by(person, people.liaison_b) == frozenset()
    assert permissions.person_fields_writable_by(people.manager, people.liaison_b) == PEOPLE_ADMIN_FIELDS


def test_department_fields_by_role(people):
    assert permissions.department_fields_writable_by(people.manager, people.marketing) == permissions.DEPARTMENT_FIELDS
    assert permissions.department_fields_writable_by(people.manager, None) == permissions.DEPARTMENT_FIELDS
    for person in (people.member, people.liaison_a, people.approver, people.employee, people.leader):
        assert permissions.department_fields_writable_by(person, people.marketing) == frozenset()
        assert permissions.department_fields_writable_by(person, None) == frozenset()
        assert not permissions.can_delete_department(person, people.marketing)


def test_department_lead_object_permission_covers_only_their_department(people):
    assign_perm("coe.change_department", people.liaison_a, people.marketing)
    assert permissions.department_fields_writable_by(people.liaison_a, people.marketing) == {"description"}
    assert permissions.department_fields_writable_by(people.liaison_a, people.service) == frozenset()


def test_system_actor_may_do_everything(people):
    assert permissions.can_manage_roles(SYSTEM)
    assert permissions.person_fields_writable_by(SYSTEM, people.employee) == OWN_PROFILE_FIELDS | PEOPLE_ADMIN_FIELDS
