"""Listening test helpers: topics made through the real service, mentions ingested through the
real service, and hour series built directly (TopicHour rows) for spike detection."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import count

import pytest

from analytics.models import ListeningTopic, TopicHour
from analytics.services import listening as services

# A fixed, whole hour to build series around (detection looks at the hours before "now").
NOW = datetime(2026, 11, 20, 12, 5, tzinfo=UTC)
LAST_HOUR = datetime(2026, 11, 20, 11, 0, tzinfo=UTC)

_ids = count(1)


def row(text: str, posted_at: datetime, **fields) -> dict:
    return {
        "source": fields.pop("source", "mastodon"),
        "external_id": fields.pop("external_id", f"m{next(_ids)}"),
        "author": fields.pop("author", "someone"),
        "text": text,
        "url": fields.pop("url", "https://mastodon.social/@someone/1"),
        "posted_at": posted_at.isoformat(),
        **fields,
    }


def series(topic: ListeningTopic, volumes: dict[datetime, int | tuple[int, float]]) -> None:
    """TopicHour rows for ``topic``: hour → volume, or (volume, average sentiment)."""
    rows = []
    for hour, value in volumes.items():
        volume, sentiment = value if isinstance(value, tuple) else (value, 0.2)
        rows.append(TopicHour(topic=topic, hour=hour, volume=volume, sentiment_avg=sentiment, negative=0))
    TopicHour.objects.bulk_create(rows)


def hours_before(last: datetime, n: int) -> list[datetime]:
    """The ``n`` hours before ``last`` (oldest first)."""
    return [last - timedelta(hours=n - i) for i in range(n)]


@pytest.fixture
def make_topic(people):
    def _make(name="Acme", any_terms="acme", all_terms="", exclude_terms="", actor=None, **fields):
        return services.topic_create(
            actor=actor or people.manager,
            fields={
                "name": name,
                "any_terms": any_terms,
                "all_terms": all_terms,
                "exclude_terms": exclude_terms,
                **fields,
            },
        )

    return _make
