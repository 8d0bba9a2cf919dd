"""Certification pages: tracks with progress, creating and editing a track, the printable
certificate (the holder's and the CoE's; a 404 for others), the manager's revocation, the public
verification page without signing in, the CoE's list with its filters and CSV, flat query counts."""

from __future__ import annotations

import csv
import io
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from governance.models import AuditEntry
from tests.training.quiz_helpers import make_module, make_track, take
from training.models import Certificate, CertificationTrack

DAY = timedelta(days=1)


@pytest.fixture
def track(db):
    return make_track("Social Publisher", [make_module("Account set-up"), make_module("Brand voice")])


@pytest.fixture
def certificate(people, track):
    for tm in track.track_modules.select_related("module"):
        take(people.liaison_a, tm.module)
    return Certificate.objects.get(user=people.liaison_a)


def _html(response) -> str:
    return response.content.decode()


# --- tracks -------------------------------------------------------------------------------------


def test_the_track_page_shows_the_modules_in_order_with_progress(client, people, track):
    modules = [tm.module for tm in track.track_modules.select_related("module")]
    take(people.employee, modules[0])
    client.force_login(people.employee)
    html = _html(client.get(f"/training/tracks/{track.slug}/"))
    steps = html.split('data-testid="track-step"')[1:]
    assert [s.split('data-passed="')[1][:4] for s in steps] == ["true", "fals"]
    assert html.index("Account set-up") < html.index("Brand voice")
    assert "Pass every module to earn it" in html and "Edit track" not in html
    listing = _html(client.get("/training/tracks/"))
    assert "1 of 2 passed" in listing and "In progress" in listing


def test_the_holder_sees_their_certificate_on_the_track_page(client, people, track, certificate):
    client.force_login(people.liaison_a)
    html = _html(client.get(f"/training/tracks/{track.slug}/"))
    assert 'data-testid="track-state">Certified' in html
    assert f"/training/certificates/{certificate.code}/" in html


def test_the_coe_creates_and_edits_a_track(client, people):
    one, two = make_module("Account set-up"), make_module("Crisis response")
    exam = make_module("Crisis final exam")
    client.force_login(people.liaison_a)
    assert client.get("/training/tracks/new/").status_code == 403
    client.force_login(people.member)
    form = {
        "name": "Crisis Spokesperson",
        "description": "For spokespeople.",
        "final_exam": exam.pk,
        "validity_days": "180",
        "is_active": "on",
        f"order_{one.pk}": "2",
        f"order_{two.pk}": "1",
    }
    response = client.post("/training/tracks/new/", form)
    assert response.status_code == 302 and response["Location"] == "/training/tracks/crisis-spokesperson/"
    track = CertificationTrack.objects.get()
    assert list(track.track_modules.values_list("module__slug", flat=True)) == ["crisis-response", "account-set-up"]
    assert track.final_exam == exam and track.validity_days == 180
    clash = client.post(f"/training/tracks/{track.slug}/edit/", {**form, f"order_{exam.pk}": "3"})
    assert clash.status_code == 200 and "a final exam is taken after them" in _html(clash)
    response = client.post(
        f"/training/tracks/{track.slug}/edit/", {**form, f"order_{one.pk}": "", "validity_days": "90"}
    )
    assert response.status_code == 302
    track.refresh_from_db()
    assert list(track.track_modules.values_list("module__slug", flat=True)) == ["crisis-response"]
    assert track.validity_days == 90
    assert AuditEntry.objects.filter(action="track.updated").count() == 1


# --- the certificate -----------------------------------------------------------------------------------


def test_the_certificate_is_printable_for_its_holder(client, people, certificate):
    client.force_login(people.liaison_a)
    html = _html(client.get(f"/training/certificates/{certificate.code}/"))
    assert 'data-testid="certificate"' in html and certificate.holder_name in html and "Social Publisher" in html
    assert "@page { size: A4 landscape" in html and "@media print" in html
    assert f"/training/verify/{certificate.code}/" in html
    assert "Revoke this certificate" not in html


def test_others_get_a_404_and_the_coe_sees_it(client, people, certificate):
    client.force_login(people.liaison_b)
    assert client.get(f"/training/certificates/{certificate.code}/").status_code == 404
    client.force_login(people.member)
    html = _html(client.get(f"/training/certificates/{certificate.code}/"))
    assert certificate.holder_name in html and "Revoke this certificate" not in html  # members do not revoke


def test_a_manager_revokes_from_the_certificate_page(client, people, certificate):
    client.force_login(people.member)
    assert client.post(f"/training/certificates/{certificate.code}/revoke/", {"reason": "x" * 10}).status_code == 403
    client.force_login(people.manager)
    html = _html(client.get(f"/training/certificates/{certificate.code}/"))
    assert "Revoke this certificate" in html
    empty = client.post(f"/training/certificates/{certificate.code}/revoke/", {"reason": ""})
    assert empty.status_code == 400
    response = client.post(
        f"/training/certificates/{certificate.code}/revoke/", {"reason": "Posted a customer phone number."}
    )
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == Certificate.Status.REVOKED
    assert AuditEntry.objects.get(action="certificate.revoked").data["reason"] == "Posted a customer phone number."
    html = _html(client.get(f"/training/certificates/{certificate.code}/"))
    assert "REVOKED" in html and "Posted a customer phone number." in html


# --- public verification ---------------------------------------------------------------------------------


def test_anyone_can_verify_without_signing_in(people, certificate):
    anonymous = Client()
    response = anonymous.get(f"/training/verify/{certificate.code}/")
    assert response.status_code == 200
    html = _html(response)
    assert 'data-state="valid"' in html and certificate.holder_name in html and "Social Publisher" in html
    assert response["X-Robots-Tag"] == "noindex, nofollow" and "no-store" in response["Cache-Control"]
    # nothing else: no account, e-mail, other certificates, navigation
    assert people.liaison_a.username not in html and people.liaison_a.email not in html
    assert 'data-testid="main-nav"' not in html


def test_the_verify_page_says_revoked_with_the_date_but_never_the_reason(client, people, certificate):
    client.force_login(people.manager)
    client.post(f"/training/certificates/{certificate.code}/revoke/", {"reason": "Confidential reason here."})
    html = _html(Client().get(f"/training/verify/{certificate.code}/"))
    certificate.refresh_from_db()
    assert 'data-state="revoked"' in html and f"revoked on {certificate.revoked_at:%-d %B %Y}" in html
    assert "Confidential reason" not in html


def test_the_verify_page_says_expired(people, certificate):
    Certificate.objects.filter(pk=certificate.pk).update(expires_at=timezone.now() - DAY)
    html = _html(Client().get(f"/training/verify/{certificate.code}/"))
    assert 'data-state="expired"' in html and "expired on" in html


def test_an_unknown_code_reveals_nothing(db):
    response = Client().get("/training/verify/not-a-real-code-0000000000/")
    assert response.status_code == 404
    assert "No certificate has this code" in _html(response)
    assert Client().get("/training/verify/", {"code": " abc/def "})["Location"] == "/training/verify/abcdef/"


def test_public_lookups_are_rate_limited(db):
    anonymous = Client()
    statuses = [anonymous.get(f"/training/verify/unknown-{n}/").status_code for n in range(32)]
    assert statuses[:30] == [404] * 30 and statuses[-1] == 429


# --- the CoE's list ----------------------------------------------------------------------------------


def test_the_certificate_list_filters_and_its_query_count_is_flat(
    client, people, track, certificate, django_assert_max_num_queries
):
    client.force_login(people.member)
    with django_assert_max_num_queries(14) as few:
        client.get("/training/certificates/")
    now = timezone.now()
    crisis = make_track("Crisis Spokesperson", [make_module("Crisis response")])
    for n, person in enumerate((people.liaison_b, people.approver, people.employee, people.leader)):
        Certificate.objects.create(
            user=person,
            track=crisis,
            holder_name=str(person),
            issued_at=now - 300 * DAY,
            expires_at=now + (n * 20) * DAY,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = _html(client.get("/training/certificates/"))
    assert html.count('data-testid="certificate-row"') == 5
    expiring = _html(client.get("/training/certificates/", {"state": "expiring"}, headers={"HX-Request": "true"}))
    assert expiring.count('data-testid="certificate-row"') == 1  # the one in 20 days (the one at 0 days has expired)
    expired = _html(client.get("/training/certificates/", {"state": "expired"}))
    assert expired.count('data-testid="certificate-row"') == 1
    by_track = _html(client.get("/training/certificates/", {"track": "social-publisher"}))
    assert by_track.count('data-testid="certificate-row"') == 1
    client.force_login(people.liaison_b)
    mine = _html(client.get("/training/certificates/"))
    assert mine.count('data-testid="certificate-row"') == 1 and "Export CSV" not in mine
    assert client.get("/training/certificates/export.csv").status_code == 403


def test_the_csv_export(client, people, certificate):
    client.force_login(people.member)
    response = client.get("/training/certificates/export.csv", {"track": "social-publisher"})
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][:3] == ["track", "holder", "username"]
    assert rows[1][0] == "Social Publisher" and rows[1][2] == "liaison_a" and rows[1][4] == "valid"
    assert rows[1][-1].endswith(f"/training/verify/{certificate.code}/")


def test_the_track_pages_query_counts_are_flat(client, people, track, django_assert_max_num_queries):
    client.force_login(people.member)
    with django_assert_max_num_queries(16) as few:
        client.get("/training/tracks/")
    with django_assert_max_num_queries(16) as few_detail:
        client.get(f"/training/tracks/{track.slug}/")
    extra = [make_module(f"Extra {n}") for n in range(6)]
    for n in range(4):
        make_track(f"Track {n}", extra[n : n + 2], final_exam=extra[5])
    for module in [*extra[:3], *[tm.module for tm in track.track_modules.all()]]:
        take(people.member, module)
    big = make_track("Everything", [tm.module for tm in track.track_modules.all()] + extra[:5])
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = _html(client.get("/training/tracks/"))
    assert html.count('data-testid="track-card"') == 6
    with django_assert_max_num_queries(len(few_detail.captured_queries)):
        html = _html(client.get(f"/training/tracks/{big.slug}/"))
    assert html.count('data-testid="track-step"') == 7
