"""The tracks and certificates API: tracks with one's progress, written by the CoE only; one's own
certificates (everyone's for the CoE), revocation by a manager, the public verification of a code,
and flat query counts."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

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


def test_tracks_are_read_with_ones_own_progress(api_as, people, track):
    take(people.employee, track.track_modules.order_by("position").first().module)
    body = api_as(people.employee).get("/api/v1/tracks/").json()
    row = body["results"][0]
    assert row["slug"] == "social-publisher" and row["modules"] == ["account-set-up", "brand-voice"]
    assert row["my_progress"]["state"] == "in_progress" and row["my_progress"]["done"] == 1
    assert row["my_progress"]["passed_modules"] == ["account-set-up"] and row["my_progress"]["certificate"] is None
    detail = api_as(people.employee).get("/api/v1/tracks/social-publisher/").json()
    assert detail["validity_days"] == 365 and detail["final_exam"] is None


def test_the_coe_writes_tracks_and_others_may_not(api_as, people):
    make_module("Account set-up")
    make_module("Crisis response")
    exam = make_module("Crisis final exam")
    payload = {
        "name": "Crisis Spokesperson",
        "modules": ["crisis-response", "account-set-up"],
        "final_exam": exam.slug,
        "validity_days": 180,
    }
    refused = api_as(people.liaison_a).post("/api/v1/tracks/", payload, format="json")
    assert refused.status_code == 403 and "Only the CoE team" in refused.json()["error"]["message"]
    created = api_as(people.member).post("/api/v1/tracks/", payload, format="json")
    assert created.status_code == 201, created.json()
    assert created.json()["modules"] == ["crisis-response", "account-set-up"]
    assert created.json()["slug"] == "crisis-spokesperson" and created.json()["is_active"] is True
    changed = api_as(people.member).patch(
        "/api/v1/tracks/crisis-spokesperson/", {"modules": ["crisis-response"], "is_active": False}, format="json"
    )
    assert changed.status_code == 200 and changed.json()["modules"] == ["crisis-response"]
    assert api_as(people.employee).get("/api/v1/tracks/crisis-spokesperson/").status_code == 404  # not offered
    clash = api_as(people.member).patch("/api/v1/tracks/crisis-spokesperson/", {"modules": [exam.slug]}, format="json")
    assert clash.status_code == 400 and "final exam is taken after them" in clash.json()["error"]["message"]
    read_only = api_as(people.member).patch("/api/v1/tracks/crisis-spokesperson/", {"slug": "x"}, format="json")
    assert read_only.status_code == 400 and "slug" in read_only.json()["error"]["fields"]
    assert CertificationTrack.objects.get().slug == "crisis-spokesperson"


def test_certificates_are_ones_own_and_the_coes(api_as, people, certificate):
    mine = api_as(people.liaison_a).get("/api/v1/certificates/").json()
    assert mine["count"] == 1 and mine["results"][0]["code"] == certificate.code
    assert mine["results"][0]["state"] == "valid"
    assert mine["results"][0]["verify_url"] == f"/training/verify/{certificate.code}/"
    assert api_as(people.liaison_b).get("/api/v1/certificates/").json()["count"] == 0
    assert api_as(people.liaison_b).get(f"/api/v1/certificates/{certificate.code}/").status_code == 404
    assert api_as(people.member).get("/api/v1/certificates/", {"track": "social-publisher"}).json()["count"] == 1
    assert api_as(people.member).get("/api/v1/certificates/", {"state": "revoked"}).json()["count"] == 0


def test_a_manager_revokes_over_the_api(api_as, people, certificate):
    refused = api_as(people.member).post(
        f"/api/v1/certificates/{certificate.code}/revoke/", {"reason": "Shared a password"}, format="json"
    )
    assert refused.status_code == 403
    no_reason = api_as(people.manager).post(f"/api/v1/certificates/{certificate.code}/revoke/", {}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()["error"]["fields"]
    revoked = api_as(people.manager).post(
        f"/api/v1/certificates/{certificate.code}/revoke/", {"reason": "Shared a password"}, format="json"
    )
    assert revoked.status_code == 200 and revoked.json()["state"] == "revoked"
    again = api_as(people.manager).post(
        f"/api/v1/certificates/{certificate.code}/revoke/", {"reason": "Shared a password"}, format="json"
    )
    assert again.status_code == 409


def test_verification_is_public_and_says_only_what_a_verifier_needs(people, certificate):
    anonymous = APIClient()
    response = anonymous.get(f"/api/v1/certificates/verify/{certificate.code}/")
    assert response.status_code == 200
    assert response.json() == {
        "holder_name": certificate.holder_name,
        "track": "Social Publisher",
        "issued_at": response.json()["issued_at"],
        "expires_at": response.json()["expires_at"],
        "state": "valid",
        "state_since": None,
        "renewed": False,
    }
    unknown = anonymous.get("/api/v1/certificates/verify/nope-nope-nope/")
    assert unknown.status_code == 404 and "No certificate has this code" in unknown.json()["error"]["message"]
    assert anonymous.get("/api/v1/certificates/").status_code == 401


def test_the_certificate_list_query_count_is_flat(api_as, people, certificate, django_assert_max_num_queries):
    api = api_as(people.member)
    with django_assert_max_num_queries(8) as few:
        api.get("/api/v1/certificates/")
    now = timezone.now()
    crisis = make_track("Crisis Spokesperson", [make_module("Crisis response")])
    for person in (people.liaison_b, people.approver, people.employee, people.leader, people.manager):
        Certificate.objects.create(user=person, track=crisis, holder_name=str(person), expires_at=now + 90 * DAY)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/certificates/").json()["count"] == 6


def test_the_track_list_query_count_is_flat(api_as, people, track, django_assert_max_num_queries):
    api = api_as(people.employee)
    with django_assert_max_num_queries(12) as few:
        api.get("/api/v1/tracks/")
    for n in range(4):
        make_track(
            f"Track {n}",
            [make_module(f"Extra {n} a"), make_module(f"Extra {n} b")],
            final_exam=make_module(f"Exam {n}"),
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get("/api/v1/tracks/").json()["count"] == 5
