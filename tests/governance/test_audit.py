"""The audit trail: entries for what must be audited, written by the real services; nobody can
change or delete one (model, admin, API, raw SQL); the page and export are the CoE's."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.admin.sites import site
from django.db import IntegrityError, InternalError, ProgrammingError, connection, transaction

from coe import services as coe_services
from coe.roles import Role
from governance.models import AuditEntry
from publishing.services import channels as channel_services
from publishing.services import workflow


def test_a_role_change_is_in_the_trail_with_who_and_what(people):
    coe_services.person_set_role(actor=people.manager, person=people.employee, role=Role.LIAISON)
    entry = AuditEntry.objects.get(action="role.changed")
    assert entry.actor == people.manager
    assert entry.object_type == "user" and entry.object_id == str(people.employee.pk)
    assert "from Employee to Liaison" in entry.summary
    assert entry.data == {"from": "employee", "to": "liaison"}


def test_approvals_rejections_and_pause_are_audited(pub, make_post):
    post = make_post(submit=True)
    workflow.review_approve(actor=pub.member, post=post, comment="Fine")
    other = make_post(text="Another one", submit=True)
    workflow.review_reject(actor=pub.member, post=other, comment="Off brand")
    channel_services.publishing_pause(actor=pub.manager, reason="Checking a complaint")
    actions = list(AuditEntry.objects.order_by("id").values_list("action", flat=True))
    assert actions.count("post.submitted") == 2
    assert "post.approved" in actions and "post.rejected" in actions and "publishing.paused" in actions
    rejected = AuditEntry.objects.get(action="post.rejected")
    assert rejected.actor == pub.member and "Off brand" in rejected.summary


def test_sign_ins_and_failed_sign_ins_are_audited(client, people):
    client.post("/accounts/login/", {"username": "liaison_a", "password": "wrong"})
    client.post("/accounts/login/", {"username": "liaison_a", "password": "pw-for-tests-123"})
    failed = AuditEntry.objects.get(action="auth.sign_in_failed")
    assert failed.actor is None and failed.data == {"username": "liaison_a"}
    assert AuditEntry.objects.filter(action="auth.signed_in", actor=people.liaison_a).exists()


def test_an_entry_cannot_be_changed_or_deleted_through_the_orm(people):
    coe_services.person_set_role(actor=people.manager, person=people.employee, role=Role.LIAISON)
    entry = AuditEntry.objects.get(action="role.changed")
    entry.summary = "Nothing happened"
    with pytest.raises(PermissionError):
        entry.save()
    with pytest.raises(PermissionError):
        entry.delete()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the trigger is Postgres's")
def test_the_database_refuses_updates_and_deletes_even_in_raw_sql(people):
    coe_services.person_set_role(actor=people.manager, person=people.employee, role=Role.LIAISON)
    for statement in ("UPDATE governance_auditentry SET summary = 'x'", "DELETE FROM governance_auditentry"):
        refused = pytest.raises((InternalError, IntegrityError, ProgrammingError))
        with refused, transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    # bulk ORM writes bypass save()/delete(); the trigger still refuses them
    with pytest.raises((InternalError, IntegrityError, ProgrammingError)), transaction.atomic():
        AuditEntry.objects.update(summary="rewritten")
    assert AuditEntry.objects.get(action="role.changed").summary != "rewritten"


def test_removing_a_person_keeps_their_entries(people):
    coe_services.person_set_role(actor=people.manager, person=people.employee, role=Role.LIAISON)
    people.manager.groups.clear()
    manager_pk = people.manager.pk
    people.manager.delete()
    entry = AuditEntry.objects.get(action="role.changed")
    assert entry.actor_id == manager_pk and entry.actor_label == str(people.manager)


def test_the_admin_only_reads_the_trail(rf, people):
    model_admin = site._registry[AuditEntry]
    request = rf.get("/admin/")
    request.user = people.manager
    assert not model_admin.has_add_permission(request)
    assert not model_admin.has_change_permission(request)
    assert not model_admin.has_delete_permission(request)


def test_the_trail_page_is_the_coes_and_filters(client, people, django_assert_max_num_queries):
    for role in (Role.LIAISON, Role.APPROVER, Role.EMPLOYEE):
        coe_services.person_set_role(actor=people.manager, person=people.leader, role=role)
    coe_services.department_update(
        actor=people.manager, department=people.marketing, changes={"lead": people.liaison_a}
    )
    client.force_login(people.liaison_a)
    assert client.get("/governance/audit/").status_code == 403
    client.force_login(people.member)
    with django_assert_max_num_queries(12):
        page = client.get("/governance/audit/").content.decode()
    # three role changes, a new lead, and two sign-ins (force_login signs in like the form does)
    assert page.count('data-testid="audit-entry"') == 6
    filtered = client.get("/governance/audit/", {"action": "department.lead_changed"}).content.decode()
    assert filtered.count('data-testid="audit-entry"') == 1 and "now leads Marketing" in filtered
    searched = client.get("/governance/audit/", {"q": "to Approver"}, HTTP_HX_REQUEST="true").content.decode()
    assert searched.count('data-testid="audit-entry"') == 1 and "<html" not in searched


def test_the_trail_page_query_count_does_not_grow_with_entries(client, people, django_assert_max_num_queries):
    from coe.audit import audit

    for n in range(120):
        audit(actor=people.manager, action="test.bulk", summary=f"Entry {n}", obj=people.employee)
    client.force_login(people.manager)
    with django_assert_max_num_queries(12):
        page = client.get("/governance/audit/").content.decode()
    assert page.count('data-testid="audit-entry"') == 50 and "Page 1 of 3" in page


def test_the_export_streams_every_match_with_formulas_kept_as_text(client, people):
    from coe.audit import audit

    audit(actor=people.manager, action="test.formula", summary='=HYPERLINK("http://evil")', obj=people.employee)
    client.force_login(people.manager)
    response = client.get("/governance/audit/export.csv", {"action": "test.formula"})
    assert response.status_code == 200 and response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["when (UTC)", "who", "action"]
    assert len(rows) == 2 and rows[1][7].startswith("'=HYPERLINK")


def test_the_api_reads_and_never_writes(api_as, people):
    coe_services.person_set_role(actor=people.manager, person=people.employee, role=Role.LIAISON)
    api = api_as(people.member)
    listing = api.get("/api/v1/audit-entries/", {"action": "role.changed"}).json()
    assert listing["count"] == 1 and listing["results"][0]["actor_label"] == str(people.manager)
    entry_id = listing["results"][0]["id"]
    assert api.patch(f"/api/v1/audit-entries/{entry_id}/", {"summary": "x"}, format="json").status_code == 405
    assert api.delete(f"/api/v1/audit-entries/{entry_id}/").status_code == 405
    assert api.post("/api/v1/audit-entries/", {"summary": "x"}, format="json").status_code == 405
    assert api_as(people.liaison_a).get("/api/v1/audit-entries/").status_code == 403
