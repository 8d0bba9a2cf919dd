"""The metrics CSV upload page and API: who may use them, every bad row reported with its line,
column and reason, all-or-nothing leaves the database untouched, good rows mode, the template,
and a large file processed by a real Celery worker in chunks with its progress stored."""

from __future__ import annotations

import gc
import time

import pytest
from celery.contrib.testing.worker import start_worker
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from analytics.models import DirtyDay, MetricImport, MetricSnapshot
from analytics.services import imports
from analytics.services.ingest import CSV_HEADER
from coe.celery import app
from tests.analytics.factories import published_post
from tests.publishing.factories import ChannelFactory

PAGE = reverse("analytics:metrics_import")
API = "/api/v1/metric-imports/"


@pytest.fixture
def publication(people):
    return published_post(channel=ChannelFactory(department=people.marketing))


def csv_file(lines: list[str], name: str = "metrics.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, ("\n".join(lines) + "\n").encode(), content_type="text/csv")


def good_lines(publication, count: int = 2) -> list[str]:
    return [f"{publication.pk},,2026-01-{day + 1:02d}T09:00:00Z,{100 * (day + 1)},,5" for day in range(count)]


HEADER = "publication_id,channel_id,captured_at,impressions,reach,likes"


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("who", "status"), [("member", 200), ("manager", 200), ("leader", 403), ("liaison_a", 403), ("employee", 403)]
)
def test_who_may_open_the_page(client, people, who, status):
    client.force_login(getattr(people, who))
    assert client.get(PAGE).status_code == status


@pytest.mark.django_db
def test_anonymous_is_sent_to_sign_in(client):
    response = client.get(PAGE)
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.django_db
def test_the_page_documents_the_columns_and_offers_the_template(client, people):
    client.force_login(people.member)
    page = client.get(PAGE).content.decode()
    for name in CSV_HEADER:
        assert f"<code>{name}</code>" in page
    template = client.get(reverse("analytics:metrics_import_template"))
    assert template.content.decode().splitlines()[0] == ",".join(CSV_HEADER)


@pytest.mark.django_db
def test_a_good_file_is_imported_at_once(client, people, publication):
    client.force_login(people.member)
    response = client.post(PAGE, {"file": csv_file([HEADER, *good_lines(publication)]), "mode": "all_or_nothing"})
    job = MetricImport.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "analytics:metrics_import_detail", args=[job.pk]
    )
    assert (job.status, job.created_count, job.content) == ("done", 2, "")
    assert MetricSnapshot.objects.count() == 2 and DirtyDay.objects.exists()
    detail = client.get(response["Location"]).content.decode()
    assert "Imported 2 snapshots" in detail and "hx-trigger" not in detail


@pytest.mark.django_db
def test_all_or_nothing_reports_every_bad_row_and_stores_nothing(client, people, publication):
    client.force_login(people.member)
    lines = [
        HEADER,
        *good_lines(publication),
        f"{publication.pk},,2026-01-09 09:00,-3,,x",
        ",,2026-01-09T09:00:00Z,1,,",
    ]
    client.post(PAGE, {"file": csv_file(lines), "mode": "all_or_nothing"})
    job = MetricImport.objects.get()
    assert job.status == "rejected"
    assert {(e["line"], e["column"]) for e in job.errors} == {
        (4, "captured_at"),
        (4, "impressions"),
        (4, "likes"),
        (5, "publication_id"),
    }
    assert not MetricSnapshot.objects.exists() and not DirtyDay.objects.exists()
    page = client.get(reverse("analytics:metrics_import_detail", args=[job.pk])).content.decode()
    assert page.count('data-testid="import-error"') == 4 and "Nothing was imported" in page


@pytest.mark.django_db
def test_good_rows_mode_imports_the_good_ones(client, people, publication):
    client.force_login(people.member)
    lines = [HEADER, *good_lines(publication), f"{publication.pk},,not a time,1,,"]
    client.post(PAGE, {"file": csv_file(lines), "mode": "good_rows"})
    job = MetricImport.objects.get()
    assert (job.status, job.created_count, job.error_count) == ("done", 2, 1)
    assert job.errors == [{"line": 4, "column": "captured_at", "reason": job.errors[0]["reason"]}]


@pytest.mark.django_db
def test_a_wrong_header_is_a_form_error(client, people):
    client.force_login(people.member)
    response = client.post(
        PAGE, {"file": csv_file(["colour,captured_at", "red,2026-01-01T00:00:00Z"]), "mode": "good_rows"}
    )
    assert response.status_code == 200
    assert "Unknown columns: colour" in response.content.decode()
    assert not MetricImport.objects.exists()


@pytest.mark.django_db
def test_someone_elses_view_of_an_import_is_404_or_403(client, people, publication):
    client.force_login(people.member)
    client.post(PAGE, {"file": csv_file([HEADER, *good_lines(publication)]), "mode": "good_rows"})
    url = reverse("analytics:metrics_import_detail", args=[MetricImport.objects.get().pk])
    client.force_login(people.leader)
    assert client.get(url).status_code == 403
    client.force_login(people.manager)
    assert client.get(url).status_code == 200
    assert client.get(reverse("analytics:metrics_import_detail", args=[999999])).status_code == 404


@pytest.mark.django_db
def test_the_api_imports_and_reports(api_as, people, publication):
    client = api_as(people.member)
    response = client.post(API, {"file": csv_file([HEADER, *good_lines(publication), ",,x,,,"])}, format="multipart")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["status"] == "rejected" and body["percent"] == 100
    assert {(e["line"], e["column"]) for e in body["errors"]} == {(4, "captured_at")}
    assert client.get(f"{API}{body['id']}/").json()["status"] == "rejected"
    for who in ("leader", "liaison_a", "employee"):
        assert (
            api_as(getattr(people, who)).post(API, {"file": csv_file([HEADER])}, format="multipart").status_code == 403
        )
        assert api_as(getattr(people, who)).get(f"{API}{body['id']}/").status_code == 403


@pytest.mark.django_db(transaction=True)
def test_a_large_file_is_processed_by_a_worker_with_progress(client, people, publication, monkeypatch, redis_url):
    monkeypatch.setattr(imports, "INLINE_ROWS", 10)
    monkeypatch.setattr(imports, "CHUNK_ROWS", 25)
    lines = [HEADER] + [
        f"{publication.pk},,2026-01-01T{n // 60:02d}:{n % 60:02d}:00Z,{n},,{n // 10}" for n in range(100)
    ]
    client.force_login(people.member)
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        response = client.post(PAGE, {"file": csv_file(lines, "large.csv"), "mode": "all_or_nothing"})
        job = MetricImport.objects.get()
        polled = client.get(response["Location"], HTTP_HX_REQUEST="true")
        assert 'id="import-status"' in polled.content.decode()
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and not MetricImport.objects.get(pk=job.pk).is_finished:
            time.sleep(0.2)
    gc.collect()
    job.refresh_from_db()
    assert (job.status, job.created_count, job.percent) == ("done", 100, 100)
    assert MetricSnapshot.objects.count() == 100


@pytest.mark.django_db
def test_the_page_takes_a_fixed_number_of_queries(client, people, django_assert_max_num_queries):
    client.force_login(people.member)
    for size in (1, 8):
        for n in range(size):
            MetricImport.objects.create(created_by=people.member, filename=f"f{n}.csv", status="done")
        with django_assert_max_num_queries(12):
            assert client.get(PAGE).status_code == 200
