"""The channel adapters' metric fetch (beat, hourly): counts of recent publications on the open
networks, stored as snapshots like any other.

Rules kept here: only published publications of the last ``FETCH_DAYS`` days on active Mastodon
and Bluesky channels with an external id; at most ``FETCH_BATCH`` per run, those fetched longest
ago first (so a large backlog rotates); ``captured_at`` is now truncated to the minute, so a
doubled run stores nothing twice. Counters a network does not report (impressions, clicks …) are
carried from the publication's last snapshot, so they never look like a reset. A failure of one
publication (network down, post deleted) is logged and counted, never fatal to the run.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.db.models import F, Max, Q
from django.utils import timezone

from analytics.models import METRIC_FIELDS, MetricSnapshot
from analytics.services.ingest import snapshots_ingest
from publishing.models import Publication
from publishing.models.channels import Network

logger = logging.getLogger(__name__)

FETCH_DAYS = 14
FETCH_BATCH = 200
FETCH_NETWORKS = (Network.MASTODON, Network.BLUESKY)
FETCH_TIMEOUT = 10.0


@dataclass
class FetchRun:
    fetched: int = 0
    failed: int = 0
    created: int = 0


def metrics_fetch_recent(*, days: int = FETCH_DAYS, limit: int = FETCH_BATCH) -> FetchRun:
    """Fetch and store the counts of recent publications (see the module's rules)."""
    now = timezone.now()
    captured_at = now.replace(second=0, microsecond=0)
    publications = list(
        Publication.objects.filter(
            status=Publication.Status.PUBLISHED,
            published_at__gte=now - timedelta(days=days),
            channel__network__in=FETCH_NETWORKS,
            channel__is_active=True,
        )
        .exclude(external_id="")
        .annotate(last_fetch=Max("metric_snapshots__captured_at", filter=Q(metric_snapshots__source="adapter")))
        .order_by(F("last_fetch").asc(nulls_first=True), "pk")
        .select_related("channel")[:limit]
    )
    run = FetchRun()
    adapters: dict[int, object] = {}
    rows = []
    for publication in publications:
        try:
            adapter = adapters.get(publication.channel_id)
            if adapter is None:
                adapter = adapters[publication.channel_id] = publication.channel.adapter(timeout=FETCH_TIMEOUT)
            counts = adapter.fetch_metrics(publication.external_id)
        except Exception as error:  # one publication's failure must not stop the run
            run.failed += 1
            logger.warning("Metric fetch failed for publication %s: %s", publication.pk, error)
            continue
        if not counts:
            run.failed += 1
            logger.info("Publication %s was not found on its network.", publication.pk)
            continue
        run.fetched += 1
        previous = (
            MetricSnapshot.objects.filter(publication=publication, captured_at__lte=captured_at)
            .order_by("-captured_at")
            .values(*METRIC_FIELDS, "conversion_value")
            .first()
            or {}
        )
        row = {"publication_id": publication.pk, "captured_at": captured_at, **previous}
        row.update({name: int(value) for name, value in counts.items() if name in METRIC_FIELDS})
        rows.append(row)
    if rows:
        run.created = snapshots_ingest(actor=None, rows=rows, source=MetricSnapshot.Source.ADAPTER).created
    return run
