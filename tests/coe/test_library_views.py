"""The library pages: who sees what, submit with attachments, the review queue, vote and adopt,
attachment downloads checked against the practice, flat query counts."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from coe.models import Practice, PracticeAdoption, PracticeVote
from coe.services import library as services
from tests.coe.factories import UserFactory
from tests.coe.factories_charter import PracticeFactory, PracticeTagFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_anonymous_is_sent_to_sign_in(client):
    for url in ["/coe/library/", "/coe/library/submit/", "/coe/library/review/", "/coe/library/1/"]:
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login") + "?next=")


@pytest.mark.parametrize("who", ["manager", "member", "liaison_a", "liaison_b", "approver", "employee", "leader"])
def test_everyone_reads_the_library_and_submits(client, people, who):
    featured = PracticeFactory(title="Featured practice", is_featured=True)
    PracticeFactory(title="Hidden pending", status=Practice.Status.SUBMITTED)
    client.force_login(getattr(people, who))
    response = client.get(reverse("coe:library"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "Featured practice" in html and 'data-testid="coe-subnav"' in html
    assert "Hidden pending" not in html
    assert client.get(reverse("coe:practice_detail", args=[featured.pk])).status_code == 200
    assert client.get(reverse("coe:practice_submit")).status_code == 200
    curator = who in {"manager", "member"}
    assert client.get(reverse("coe:practice_review")).status_code == (200 if curator else 403)
    assert ("Review queue" in html) is curator


def test_submit_with_an_attachment_and_download_it_only_when_allowed(client, people):
    client.force_login(people.employee)
    response = client.post(
        reverse("coe:practice_submit"),
        {
            "title": "Four-hour answers",
            "kind": "practice",
            "department": people.marketing.pk,
            "channel": "Mastodon",
            "summary": "A rota.",
            "what_was_done": "Two people on call.",
            "results": "Median response 2.5 h.",
            "attachments": [SimpleUploadedFile("chart.png", b"\x89PNG\r\n", content_type="image/png")],
        },
    )
    assert response.status_code == 302
    practice = Practice.objects.get(title="Four-hour answers")
    attachment = practice.attachments.get()
    url = reverse("coe:practice_attachment", args=[practice.pk, attachment.pk])
    download = client.get(url)
    assert download.status_code == 200 and download["Content-Disposition"].startswith("attachment")
    assert b"".join(download.streaming_content) == b"\x89PNG\r\n"
    client.force_login(people.liaison_b)  # pending practice of someone else: it does not exist for them
    assert client.get(url).status_code == 404
    assert client.get(reverse("coe:practice_detail", args=[practice.pk])).status_code == 404


def test_submit_refuses_a_wrong_file_type_on_the_form(client, people):
    client.force_login(people.employee)
    response = client.post(
        reverse("coe:practice_submit"),
        {"title": "X", "kind": "practice", "summary": "S", "what_was_done": "W",
         "attachments": [SimpleUploadedFile("evil.html", b"<script></script>", content_type="text/html")]},
    )  # fmt: skip
    assert response.status_code == 200
    assert "not an image, a PDF or an office document" in response.content.decode()
    assert not Practice.objects.exists()


def test_curate_from_the_queue_and_vote_and_adopt(client, people):
    practice = services.practice_submit(actor=people.employee, title="Rota", summary="S", what_was_done="W")
    client.force_login(people.liaison_a)
    assert client.post(reverse("coe:practice_curate", args=[practice.pk, "approve"])).status_code == 403
    client.force_login(people.member)
    client.post(reverse("coe:practice_curate", args=[practice.pk, "approve"]), {"next": "review"})
    client.post(reverse("coe:practice_curate", args=[practice.pk, "feature"]))
    client.post(reverse("coe:practice_curate", args=[practice.pk, "tag"]), {"tags": "Customer care, Speed"})
    practice.refresh_from_db()
    assert practice.status == Practice.Status.APPROVED and practice.is_featured and practice.tags.count() == 2
    client.force_login(people.liaison_a)
    client.post(reverse("coe:practice_vote", args=[practice.pk]))
    assert PracticeVote.objects.filter(practice=practice).count() == 1
    client.post(reverse("coe:practice_vote", args=[practice.pk]))  # toggles off
    assert PracticeVote.objects.filter(practice=practice).count() == 0
    client.post(reverse("coe:practice_adopt", args=[practice.pk]), {"department": people.marketing.pk})
    client.post(reverse("coe:practice_adopt", args=[practice.pk]), {"department": people.marketing.pk})
    assert PracticeAdoption.objects.filter(practice=practice).count() == 1


def test_search_and_filters_on_the_page(client, people):
    tag = PracticeTagFactory(name="Crisis")
    crisis = PracticeFactory(title="Holding statements ready", summary="Before the crisis.", channel="X")
    crisis.tags.add(tag)
    PracticeFactory(title="Launch countdown", summary="Stories.", kind=Practice.Kind.CASE_STUDY)
    client.force_login(people.employee)
    html = client.get(reverse("coe:library") + "?q=holding+statements").content.decode()
    assert "Holding statements ready" in html and "Launch countdown" not in html
    html = client.get(reverse("coe:library") + "?tag=crisis").content.decode()
    assert "Holding statements ready" in html and "Launch countdown" not in html
    html = client.get(reverse("coe:library") + "?kind=case_study&sort=votes").content.decode()
    assert "Launch countdown" in html and "Holding statements ready" not in html


def _grow(n, people):
    tag = PracticeTagFactory(name="Tag")
    voters = [UserFactory(role="employee") for _ in range(3)]
    for _ in range(n):
        practice = PracticeFactory(department=people.marketing, submitted_by=people.employee)
        practice.tags.add(tag)
        PracticeVote.objects.bulk_create([PracticeVote(practice=practice, user=v) for v in voters])
        PracticeAdoption.objects.create(practice=practice, department=people.service)


@pytest.mark.parametrize("query", ["", "?q=practice"])
def test_library_query_count_is_flat(client, people, django_assert_max_num_queries, query):
    client.force_login(people.member)
    _grow(2, people)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("coe:library") + query).status_code == 200
    _grow(15, people)
    with django_assert_max_num_queries(16):
        assert client.get(reverse("coe:library") + query).status_code == 200


def test_htmx_search_gets_only_the_list(client, people):
    PracticeFactory(title="Holding statements ready", summary="Before the crisis.")
    PracticeFactory(title="Launch countdown", summary="Stories.")
    client.force_login(people.employee)
    html = client.get(reverse("coe:library") + "?q=holding", headers={"HX-Request": "true"}).content.decode()
    assert "Holding statements ready" in html and "Launch countdown" not in html
    assert "<html" not in html and 'data-testid="practices"' in html
