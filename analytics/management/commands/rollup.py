"""python manage.py rollup --since 2026-01-01 [--until 2026-03-31] [--channel 3 --channel 4]

Rebuilds the metric rollups (day rows of the range, and the weeks and months they touch) with a
progress bar on stderr. Safe to run at any time, and twice: the result is the same."""

from __future__ import annotations

import time
from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from analytics.services.rollups import rollups_recompute
from publishing.models import Channel

BAR_WIDTH = 30


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"{value!r} is not a date (YYYY-MM-DD).") from error


class Command(BaseCommand):
    help = "Recompute metric rollups for a range of days (default until today), with a progress bar."

    def add_arguments(self, parser):
        parser.add_argument("--since", required=True, help="First day, YYYY-MM-DD.")
        parser.add_argument("--until", help="Last day, YYYY-MM-DD (default: today).")
        parser.add_argument("--channel", type=int, action="append", help="Only this channel id (repeatable).")

    def handle(self, *args, since: str, until: str | None, channel: list[int] | None, **options):
        first = _date(since)
        last = _date(until) if until else timezone.now().date()
        if last < first:
            raise CommandError("--until is before --since.")
        if channel:
            known = set(Channel.objects.filter(pk__in=channel).values_list("pk", flat=True))
            missing = sorted(set(channel) - known)
            if missing:
                raise CommandError(f"No channel {', '.join(map(str, missing))}.")
        started = time.monotonic()

        def progress(done: int, total: int) -> None:
            filled = BAR_WIDTH * done // total
            bar = "#" * filled + "-" * (BAR_WIDTH - filled)
            self.stderr.write(f"\r[{bar}] {done}/{total} days {100 * done // total:3d}%", ending="")
            self.stderr.flush()

        days = rollups_recompute(since=first, until=last, channel_ids=channel, progress=progress)
        self.stderr.write("")
        self.stdout.write(
            self.style.SUCCESS(f"Rolled up {days} days ({first} to {last}) in {time.monotonic() - started:.1f} s.")
        )
