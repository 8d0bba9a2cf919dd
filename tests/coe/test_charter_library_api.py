"""/api/v1/charter-versions/, /api/v1/objectives/, /api/v1/practices/, /api/v1/practice-tags/:
who reads and writes what, the diff, approve, the library's actions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coe.models import CharterVersion, Objective, Practice
from tests.coe.factories_charter import CharterVersionFactory, ObjectiveFactory, PracticeFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def versions():
    CharterVersionFactory(number=1, status=CharterVersion.Status.SUPERSEDED, vision="Be part of the conversation.")
    CharterVersionFactory(number=2, status=CharterVersion.Status.APPROVED, vision="Be part of every conversation.")
    return CharterVersionFactory(number=3)


def test_anonymous_gets_401(api_client):
    for url in ["/api/v1/charter-versions/", "/api/v1/objectives/", "/api/v1/practices/", "/api/v1/practice-tags/"]:
        assert api_client.get(url).status_code == 401


@pytest.mark.parametrize("who", ["manager", "member", "liaison_a", "employee", "leader"])
def test_everyone_reads_versions_but_drafts_are_the_managers(api_as, people, versions, who):
    client = api_as(getattr(people, who))
    numbers = [row["number"] for row in client.get("/api/v1/charter-versions/").json()["results"]]
    assert numbers == ([3, 2, 1] if who == "manager" else [2, 1])
    assert client.get("/api/v1/charter-versions/3/").status_code == (200 if who == "manager" else 404)
    diff = client.get("/api/v1/charter-versions/diff/?from=1&to=2").json()
    vision = next(s for s in diff["sections"] if s["name"] == "vision")
    assert (vision["words_added"], vision["words_removed"]) == (1, 1)
    assert {"op": "added", "text": "every "} in vision["ops"]


@pytest.mark.parametrize("who", ["member", "liaison_a", "employee", "leader"])
def test_only_the_manager_writes_versions(api_as, people, versions, who):
    client = api_as(getattr(people, who))
    assert client.post("/api/v1/charter-versions/", {}, format="json").status_code in {403, 404}
    assert client.patch("/api/v1/charter-versions/2/", {"vision": "x"}, format="json").status_code in {403, 404}
    assert client.post("/api/v1/charter-versions/2/approve/").status_code in {403, 404}
    assert CharterVersion.objects.get(number=2).status == CharterVersion.Status.APPROVED


def test_manager_edits_and_approves_a_draft(api_as, people, versions):
    client = api_as(people.manager)
    assert client.post("/api/v1/charter-versions/", {}, format="json").status_code == 409  # a draft is open
    response = client.patch("/api/v1/charter-versions/3/", {"partners": "Joint campaigns."}, format="json")
    assert response.status_code == 200 and response.json()["partners"] == "Joint campaigns."
    assert client.patch("/api/v1/charter-versions/3/", {"status": "approved"}, format="json").status_code == 400
    response = client.post("/api/v1/charter-versions/3/approve/")
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert client.patch("/api/v1/charter-versions/3/", {"vision": "x"}, format="json").status_code == 409
    assert CharterVersion.objects.get(number=2).status == CharterVersion.Status.SUPERSEDED


@pytest.mark.parametrize(
    "who, may_write", [("manager", True), ("member", True), ("liaison_a", False), ("leader", False)]
)
def test_objectives_api(api_as, people, who, may_write):
    objective = ObjectiveFactory()
    client = api_as(getattr(people, who))
    assert client.get("/api/v1/objectives/").json()["count"] == 1
    response = client.post(
        "/api/v1/objectives/",
        {"title": "New", "period_start": "2026-01-01", "period_end": "2026-03-31", "department": people.marketing.pk},
        format="json",
    )
    assert response.status_code == (201 if may_write else 403)
    assert client.delete(f"/api/v1/objectives/{objective.pk}/").status_code == (204 if may_write else 403)
    objective.refresh_from_db()
    assert objective.is_active is not may_write
    if may_write:
        bad = {"title": "Bad", "period_start": "2026-05-01", "period_end": "2026-01-01"}
        assert client.post("/api/v1/objectives/", bad, format="json").status_code == 400
        assert not Objective.objects.filter(title="Bad").exists()


def test_practices_api_flow(api_as, people, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    PracticeFactory(title="Declined one", status=Practice.Status.DECLINED)
    client = api_as(people.employee)
    response = client.post(
        "/api/v1/practices/",
        {"title": "Rota", "summary": "S", "what_was_done": "W", "attachments": [SimpleUploadedFile("a.pdf", b"%PDF")]},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["status"] == "submitted" and len(response.json()["attachment_urls"]) == 1
    bad = {"title": "X", "summary": "S", "what_was_done": "W", "attachments": [SimpleUploadedFile("a.exe", b"MZ")]}
    assert client.post("/api/v1/practices/", bad, format="multipart").status_code == 400
    assert client.post(f"/api/v1/practices/{pk}/approve/").status_code == 403
    assert client.post("/api/v1/practices/", {"title": "X", "status": "approved"}, format="json").status_code == 400
    other = api_as(people.liaison_b)
    assert other.get(f"/api/v1/practices/{pk}/").status_code == 404
    assert [p["title"] for p in other.get("/api/v1/practices/").json()["results"]] == []
    curator = api_as(people.member)
    assert curator.post(f"/api/v1/practices/{pk}/approve/").json()["status"] == "approved"
    assert curator.post(f"/api/v1/practices/{pk}/feature/", {"featured": True}, format="json").json()["is_featured"]
    tags = curator.post(f"/api/v1/practices/{pk}/tags/", {"tags": ["Customer care"]}, format="json").json()["tags"]
    assert tags == ["customer-care"]
    assert curator.post(f"/api/v1/practices/{pk}/decline/", {}, format="json").status_code == 400
    voter = api_as(people.liaison_a)
    assert voter.post(f"/api/v1/practices/{pk}/vote/").json() == {"voted": True, "vote_count": 1}
    assert voter.post(f"/api/v1/practices/{pk}/vote/").json() == {"voted": True, "vote_count": 1}
    assert voter.post(f"/api/v1/practices/{pk}/unvote/").json() == {"voted": False, "vote_count": 0}
    assert voter.post(f"/api/v1/practices/{pk}/adopt/", {}, format="json").status_code == 201
    assert voter.post(f"/api/v1/practices/{pk}/adopt/", {}, format="json").status_code == 409
    found = voter.get("/api/v1/practices/?search=rota&tag=customer-care").json()["results"]
    assert [p["id"] for p in found] == [pk] and found[0]["adoption_count"] == 1
    assert voter.get("/api/v1/practices/?search=declined").json()["results"] == []
    assert voter.get("/api/v1/practice-tags/").json()["results"][0]["slug"] == "customer-care"
    assert voter.post("/api/v1/practice-tags/", {"name": "New"}, format="json").status_code == 403
    curator = api_as(people.member)  # one client, re-authenticated
    assert curator.post("/api/v1/practice-tags/", {"name": "New"}, format="json").status_code == 201
