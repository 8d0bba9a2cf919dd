"""coe.services for people: one role each, the last manager stays, refused fields change nothing."""

import pytest
from django.contrib.auth.models import Group

from coe import services
from coe.errors import DomainError, NotAllowed
from coe.models import WorkerHeartbeat
from coe.roles import Role

pytestmark = pytest.mark.django_db


def test_setting_a_role_replaces_the_previous_one_and_keeps_other_groups(people):
    brand = Group.objects.create(name="Brand reviewers")
    people.employee.groups.add(brand)
    services.person_set_role(actor=people.manager, person=people.employee, role=Role.APPROVER)
    names = set(people.employee.groups.values_list("name", flat=True))
    assert names == {"Approver", "Brand reviewers"}


def test_coe_managers_get_the_admin_site_and_lose_it_with_the_role(people):
    services.person_set_role(actor=people.manager, person=people.member, role=Role.COE_MANAGER)
    people.member.refresh_from_db()
    assert people.member.is_staff
    services.person_set_role(actor=people.manager, person=people.member, role=Role.COE_MEMBER)
    people.member.refresh_from_db()
    assert not people.member.is_staff


def test_nobody_but_a_manager_sets_roles(people):
    with pytest.raises(NotAllowed):
        services.person_set_role(actor=people.member, person=people.employee, role=Role.COE_MANAGER)
    with pytest.raises(NotAllowed):
        services.person_set_role(actor=people.liaison_a, person=people.liaison_a, role=Role.COE_MANAGER)
    assert people.liaison_a.role == Role.LIAISON


def test_the_last_manager_can_neither_be_demoted_nor_deactivated(people):
    with pytest.raises(DomainError, match="last CoE manager"):
        services.person_set_role(actor=people.manager, person=people.manager, role=Role.EMPLOYEE)
    with pytest.raises(DomainError, match="last CoE manager"):
        services.person_update(actor=people.manager, person=people.manager, changes={"is_active": False})
    services.person_set_role(actor=people.manager, person=people.member, role=Role.COE_MANAGER)
    services.person_set_role(actor=people.manager, person=people.manager, role=Role.EMPLOYEE)
    assert people.manager.role == Role.EMPLOYEE


def test_a_refused_field_refuses_the_whole_change(people):
    with pytest.raises(NotAllowed) as refused:
        services.person_update(
            actor=people.liaison_a,
            person=people.liaison_a,
            changes={"first_name": "X", "departments": [people.service]},
        )
    assert set(refused.value.fields) == {"departments"}
    people.liaison_a.refresh_from_db()
    assert people.liaison_a.first_name != "X"


def test_email_addresses_are_unique_whatever_their_case(people):
    with pytest.raises(DomainError, match="already uses this e-mail"):
        services.person_update(
            actor=people.employee, person=people.employee, changes={"email": people.leader.email.upper()}
        )


def test_unknown_time_zone_is_refused(people):
    with pytest.raises(DomainError) as refused:
        services.person_update(actor=people.employee, person=people.employee, changes={"time_zone": "Europe/Atlantis"})
    assert "time_zone" in refused.value.fields


def test_heartbeat_keeps_one_row_per_worker():
    services.worker_heartbeat_record(hostname="celery@a")
    services.worker_heartbeat_record(hostname="celery@a")
    services.worker_heartbeat_record(hostname="celery@b")
    assert WorkerHeartbeat.objects.count() == 2
