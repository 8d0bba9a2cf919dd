"""The content calendar's side doors: a personal ICS feed, CSV export, and drafts imported from
CSV (validated row by row; all or nothing, or the valid rows)."""

from __future__ import annotations

import csv
import io
import zoneinfo
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from icalendar import Calendar, Event

from coe.errors import DomainError, NotAllowed
from coe.exports import csv_cell
from publishing import permissions, selectors
from publishing.adapters.base import PostContent
from publishing.models import CalendarFeed, Campaign, ContentTheme
from publishing.services.workflow import post_create
from publishing.validation import blocking_messages, check_channels

# --- the ICS feed -------------------------------------------------------------------------------


@transaction.atomic
def calendar_feed_renew(*, user) -> CalendarFeed:
    """A new secret address; the old one stops working at once."""
    if not permissions.can_use_calendar(user):
        raise NotAllowed("The calendar is for liaisons, reviewers and the CoE.")
    CalendarFeed.objects.filter(user=user).delete()
    return CalendarFeed.objects.create(user=user)


def calendar_feed_revoke(*, user) -> None:
    CalendarFeed.objects.filter(user=user).delete()


def calendar_feed_user(token: str):
    """The person a feed token belongs to, if it is current and they may still use the calendar."""
    feed = CalendarFeed.objects.select_related("user").filter(token=token).first()
    if feed is None or not feed.user.is_active or not permissions.can_use_calendar(feed.user):
        return None
    CalendarFeed.objects.filter(pk=feed.pk).update(last_used_at=timezone.now())
    return feed.user


FEED_PAST = timedelta(days=30)
FEED_FUTURE = timedelta(days=180)


def calendar_feed_ics(*, user) -> bytes:
    now = timezone.now()
    calendar = Calendar()
    calendar.add("prodid", "-//CoE Hub//Content calendar//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "CoE Hub content calendar")
    base = settings.SITE_URL.rstrip("/")
    for row in selectors.calendar_publications(user=user, start=now - FEED_PAST, end=now + FEED_FUTURE):
        when = row["published_at"] or row["scheduled_at"] or row["post__scheduled_at"]
        event = Event()
        event.add("uid", f"publication-{row['pk']}@coe-hub")
        event.add("dtstamp", now)
        event.add("dtstart", when)
        event.add("dtend", when + timedelta(minutes=15))
        event.add("summary", f"[{row['channel__name']}] {summary_of(row['post__text'])} ({row['status']})")
        event.add("description", row["post__text"][:2000])
        event.add("url", f"{base}/publishing/posts/{row['post_id']}/")
        calendar.add_component(event)
    return calendar.to_ical()


def summary_of(text: str, length: int = 60) -> str:
    line = (text.strip().splitlines() or [""])[0]
    return line if len(line) <= length else line[: length - 1] + "…"


# --- CSV export ---------------------------------------------------------------------------------

EXPORT_COLUMNS = [
    "post_id",
    "channel",
    "network",
    "department",
    "post_status",
    "publication_status",
    "time",
    "time_zone",
    "campaign",
    "text",
    "external_url",
]


def calendar_export_csv(*, user, start: datetime, end: datetime, filters=None) -> str:
    zone = timezone.get_current_timezone()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(EXPORT_COLUMNS)
    for row in selectors.calendar_publications(user=user, start=start, end=end, filters=filters):
        when = row["published_at"] or row["scheduled_at"] or row["post__scheduled_at"]
        writer.writerow(
            [
                row["post_id"],
                row["channel__name"],
                row["channel__network"],
                row["post__department__name"],
                row["post__status"],
                row["status"],
                timezone.localtime(when, zone).strftime("%Y-%m-%d %H:%M"),
                str(zone),
                row["post__campaign__name"] or "",
                csv_cell(row["post__text"]),
                row["external_url"],
            ]
        )
    return out.getvalue()


# --- CSV import of drafts -----------------------------------------------------------------------

IMPORT_COLUMNS = ["text", "link", "channels", "scheduled_at", "campaign", "theme"]
MAX_IMPORT_ROWS = 1000


@dataclass
class ImportRow:
    number: int
    data: dict[str, str]
    errors: list[str] = field(default_factory=list)
    post_id: int | None = None


@dataclass
class ImportReport:
    rows: list[ImportRow]
    created: int = 0
    mode: str = "all_or_nothing"

    @property
    def bad_rows(self) -> list[ImportRow]:
        return [row for row in self.rows if row.errors]


def _parse_time(value: str, zone) -> datetime | None:
    value = value.strip()
    if not value:
        return None
    for pattern in ("%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"):
        try:
            return timezone.make_aware(datetime.strptime(value, pattern), zone)  # noqa: DTZ007 - made aware here
        except ValueError:
            continue
    raise ValueError(f"“{value}” is not a time like 2026-12-01 09:30")


def _rows(file) -> list[dict[str, str]]:
    try:
        text = file.read().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DomainError("The file is not UTF-8 text; save it as “CSV UTF-8” and try again.", code="invalid") from exc
    reader = csv.DictReader(io.StringIO(text))
    header = [name.strip().lower() for name in reader.fieldnames or []]
    missing = {"text", "channels"} - set(header)
    if missing:
        raise DomainError(
            f"The first row must name the columns; missing: {', '.join(sorted(missing))}. "
            f"Expected: {', '.join(IMPORT_COLUMNS)}.",
            code="invalid",
        )
    rows = [{(k or "").strip().lower(): (v or "").strip() for k, v in row.items()} for row in reader]
    if len(rows) > MAX_IMPORT_ROWS:
        raise DomainError(f"At most {MAX_IMPORT_ROWS} rows per file; this one has {len(rows)}.", code="invalid")
    if not rows:
        raise DomainError("The file has no rows below the header.", code="invalid")
    return rows


def posts_import_csv(*, actor, file, mode: str = "all_or_nothing") -> ImportReport:
    """Drafts from a CSV file. Every row is checked first (channels the person may use, a future
    time in their zone, the networks' limits, campaign and theme); in all-or-nothing mode one bad
    row imports nothing, otherwise the valid rows are imported and the others reported."""
    if not permissions.can_compose(actor):
        raise NotAllowed("Your role does not write posts.")
    zone = zoneinfo.ZoneInfo(actor.time_zone) if actor.time_zone else timezone.get_current_timezone()
    channels = {c.name.casefold(): c for c in permissions.channels_for_submission(actor)}
    channels |= {c.handle.casefold(): c for c in channels.values()}
    campaigns = {c.name.casefold(): c for c in Campaign.objects.all()}
    themes = {t.name.casefold(): t for t in ContentTheme.objects.all()}
    report = ImportReport(rows=[ImportRow(number=i + 2, data=row) for i, row in enumerate(_rows(file))], mode=mode)
    parsed = []
    for row in report.rows:
        data = row.data
        names = [name.strip() for name in data.get("channels", "").replace(",", ";").split(";") if name.strip()]
        chosen = [channels.get(name.casefold()) for name in names]
        unknown = [name for name, channel in zip(names, chosen, strict=True) if channel is None]
        if not names:
            row.errors.append("Name at least one channel.")
        if unknown:
            row.errors.append(f"Not a channel you may post to: {', '.join(unknown)}.")
        try:
            when = _parse_time(data.get("scheduled_at", ""), zone)
            if when and when <= timezone.now():
                row.errors.append("The time has passed.")
        except ValueError as error:
            when = None
            row.errors.append(str(error))
        campaign = campaigns.get(data.get("campaign", "").casefold()) if data.get("campaign") else None
        if data.get("campaign") and campaign is None:
            row.errors.append(f"No campaign called “{data['campaign']}”.")
        elif campaign is not None and not campaign.is_active:
            row.errors.append(f"The campaign “{campaign}” is archived.")
        theme = themes.get(data.get("theme", "").casefold()) if data.get("theme") else None
        if data.get("theme") and theme is None:
            row.errors.append(f"No content theme called “{data['theme']}”.")
        if not data.get("text"):
            row.errors.append("The text is empty.")
        known = [channel for channel in chosen if channel is not None]
        if known and data.get("text"):
            content = PostContent(text=data["text"], link=data.get("link", ""))
            row.errors.extend(blocking_messages(check_channels(content, known)))
        parsed.append((row, known, when, campaign, theme))

    if mode == "all_or_nothing" and report.bad_rows:
        return report
    with transaction.atomic():
        for row, known, when, campaign, theme in parsed:
            if row.errors:
                continue
            try:
                with transaction.atomic():
                    outcome = post_create(
                        actor=actor,
                        text=row.data["text"],
                        link=row.data.get("link", ""),
                        channels=known,
                        campaign=campaign,
                        theme=theme,
                        scheduled_at=when,
                    )
            except DomainError as error:
                row.errors.append(error.message)
                if mode == "all_or_nothing":
                    transaction.set_rollback(True)
                    report.created = 0
                    return report
                continue
            row.post_id = outcome.post.pk
            report.created += 1
    return report
