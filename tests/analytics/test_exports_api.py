"""The BI export: stable columns, CSV and JSON streamed, token auth, filters, scoped like every
figure."""

from __future__ import annotations

import csv
import io
import json
from datetime import date

import pytest
from django.http import StreamingHttpResponse
from rest_framework.authtoken.models import Token

from analytics.selectors.metrics import EXPORT_COLUMNS
from tests.analytics.factories import RollupFactory
from tests.publishing.factories import CampaignFactory, ChannelFactory

pytestmark = pytest.mark.django_db

CSV_URL = "/api/v1/exports/rollups.csv"
JSON_URL = "/api/v1/exports/rollups.json"


@pytest.fixture
def rollups(people):
    marketing = ChannelFactory(department=people.marketing, name="=Marketing X")
    service = ChannelFactory(department=people.service)
    campaign = CampaignFactory(name="Launch")
    return [
        RollupFactory(channel=marketing, period_start=date(2026, 1, 5), campaign=campaign, conversion_value="12.50"),
        RollupFactory(channel=marketing, period_start=date(2026, 1, 6), followers=1200),
        RollupFactory(channel=service, period_start=date(2026, 1, 5)),
        RollupFactory(channel=service, period="week", period_start=date(2026, 1, 5)),
    ]


def _csv(response) -> list[dict]:
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    return list(csv.DictReader(io.StringIO(text)))


def _json(response) -> list[dict]:
    return json.loads(b"".join(response.streaming_content))


def test_csv_has_the_documented_columns_and_streams(api_as, people, rollups):
    response = api_as(people.leader).get(CSV_URL, HTTP_ACCEPT="text/csv")
    assert response.status_code == 200
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    rows = _csv(response)
    assert tuple(rows[0].keys()) == EXPORT_COLUMNS
    assert len(rows) == 3  # day rows by default
    first = rows[0]
    assert first["period"] == "day" and first["period_start"] == "2026-01-05"
    assert first["channel"] == "'=Marketing X"  # a formula-safe cell
    assert first["campaign"] == "Launch" and first["engagements"] == str(10 + 2 + 3 + 5)
    assert first["conversion_value"] == "12.50"


def test_json_is_an_array_of_objects(api_as, people, rollups):
    response = api_as(people.member).get(JSON_URL, {"period": "week"})
    assert isinstance(response, StreamingHttpResponse)
    rows = _json(response)
    assert len(rows) == 1 and tuple(rows[0]) == EXPORT_COLUMNS
    assert rows[0]["period"] == "week" and rows[0]["impressions"] == 1000


def test_filters(api_as, people, rollups):
    client = api_as(people.member)
    by_day = _json(client.get(JSON_URL, {"since": "2026-01-06"}))
    assert [row["period_start"] for row in by_day] == ["2026-01-06"]
    by_channel = _json(client.get(JSON_URL, {"channel": rollups[2].channel_id}))
    assert {row["channel_id"] for row in by_channel} == {rollups[2].channel_id}
    by_department = _json(client.get(JSON_URL, {"department": f"{people.marketing.pk}"}))
    assert {row["department_id"] for row in by_department} == {people.marketing.pk}
    assert client.get(JSON_URL, {"period": "year"}).status_code == 400
    assert client.get(JSON_URL, {"since": "soon"}).status_code == 400


def test_liaisons_get_their_departments_only(api_as, people, rollups):
    rows = _json(api_as(people.liaison_b).get(JSON_URL))
    assert {row["department_id"] for row in rows} == {people.service.pk}
    assert _json(api_as(people.liaison_b).get(JSON_URL, {"department": people.marketing.pk})) == []


def test_employees_and_anonymous_get_nothing(api_as, api_client, people, rollups):
    assert api_client.get(CSV_URL).status_code == 401
    assert api_as(people.employee).get(CSV_URL).status_code == 403


def test_token_auth_for_bi_tools(api_client, people, rollups):
    token = Token.objects.create(user=people.leader)
    response = api_client.get(CSV_URL, HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT="*/*")
    assert response.status_code == 200 and len(_csv(response)) == 3


def test_the_export_reads_in_chunks_with_few_queries(api_as, people, rollups, django_assert_max_num_queries):
    client = api_as(people.member)
    with django_assert_max_num_queries(6):
        _csv(client.get(CSV_URL))
    for day in range(1, 31):
        RollupFactory(channel=rollups[0].channel, period_start=date(2026, 3, day))
    with django_assert_max_num_queries(6):
        assert len(_csv(client.get(CSV_URL))) == 3 + 30
