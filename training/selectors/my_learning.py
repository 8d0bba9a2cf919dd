"""My learning: one person's training on one page — what the CoE assigned them first (due dates,
overdue, progress from lessons read and quiz results), then the rest of the catalogue by level,
the certification tracks, and their certificates. The home page's panel reads the same.

It reads the other areas' selectors (content's catalogue and lesson progress, quizzes' module
results, certification's track progress and certificates), each a fixed number of queries, so the
page's query count does not grow with modules, lessons, attempts or certificates.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.utils import timezone

from training import permissions
from training.models import Certificate, Level
from training.selectors import assignments as assignment_selectors
from training.selectors.assignments import AssignedItem, Standing
from training.selectors.certification import (
    EXPIRING_SOON_DAYS,
    TrackProgress,
    certificates_of,
    track_progress,
    tracks_for,
)
from training.selectors.content import CatalogueEntry, catalogue_entries, published_modules
from training.selectors.quizzes import ModuleResult, module_results

HOME_PANEL_ROWS = 5


@dataclass
class ModuleCard:
    """A module with the person's progress: lessons read, then the quiz."""

    entry: CatalogueEntry
    result: ModuleResult | None

    @property
    def module(self):
        return self.entry.module

    @property
    def passed(self) -> bool:
        return self.entry.passed

    @property
    def percent(self) -> int:
        """Each lesson is a step and the quiz is the last one."""
        if self.passed:
            return 100
        steps = self.entry.lessons_total + 1
        return round(100 * self.entry.lessons_read / steps)

    @property
    def state(self) -> str:
        """passed, locked, in_quiz (an attempt is open), no_attempts, cooldown, failed, quiz,
        started or new."""
        result = self.result
        if self.passed:
            return "passed"
        if not self.entry.unlocked:
            return "locked"
        if result is not None and result.open_attempt is not None:
            return "in_quiz"
        if result is not None and result.attempts_total:
            if result.attempts_left is not None and result.attempts_left <= 0:
                return "no_attempts"
            if result.next_attempt_at is not None:
                return "cooldown"
            return "failed"
        if self.entry.lessons_done:
            return "quiz"
        return "started" if self.entry.lessons_read else "new"

    @property
    def state_label(self) -> str:
        result = self.result
        best = f" (best {result.best_score:.0f}%)" if result is not None and result.best_score is not None else ""
        return {
            "passed": f"Passed{best}",
            "locked": "Pass " + ", ".join(str(m) for m in self.entry.missing) + " first",
            "in_quiz": "Quiz in progress",
            "no_attempts": f"Not passed{best}; no attempts left — ask the CoE team",
            "cooldown": f"Not passed{best}; try again later",
            "failed": f"Not passed{best}; try again",
            "quiz": "Lessons read: take the quiz",
            "started": f"{self.entry.lessons_read} of {self.entry.lessons_total} lessons read",
            "new": "Not started",
        }[self.state]

    @property
    def lessons_label(self) -> str:
        return f"{self.entry.lessons_read}/{self.entry.lessons_total} lessons"


@dataclass
class AssignedCard:
    item: AssignedItem
    module: ModuleCard | None = None
    track: TrackProgress | None = None
    track_modules: list[ModuleCard] = field(default_factory=list)

    @property
    def percent(self) -> int:
        if self.item.status == Standing.DONE:
            return 100
        if self.module is not None:
            return self.module.percent
        if self.track is not None and self.track_modules:
            return round(sum(card.percent for card in self.track_modules) / len(self.track_modules))
        return 0


@dataclass
class CertificateRow:
    certificate: Certificate
    state: str  # valid, expiring, expired, revoked

    LABELS = {
        "valid": "Valid",
        "expiring": "Expiring soon",
        "expired": "Expired",
        "revoked": "Revoked",
    }
    BADGES = {
        "valid": "text-bg-success",
        "expiring": "text-bg-warning",
        "expired": "text-bg-secondary",
        "revoked": "text-bg-danger",
    }

    @property
    def label(self) -> str:
        return self.LABELS[self.state]

    @property
    def badge(self) -> str:
        return self.BADGES[self.state]


@dataclass
class MyLearning:
    assigned: list[AssignedCard]
    catalogue: list[tuple[str, list[ModuleCard]]]  # (level label, modules) for the optional ones
    tracks: list[TrackProgress]  # tracks not assigned to the person
    certificates: list[CertificateRow]
    can_author: bool = False
    can_assign: bool = False
    can_view_report: bool = False

    @property
    def overdue_count(self) -> int:
        return sum(1 for card in self.assigned if card.item.status == Standing.OVERDUE)


def certificate_state(certificate: Certificate, now: datetime) -> str:
    state = certificate.state
    if state == Certificate.Status.VALID and certificate.expires_at <= now + timedelta(days=EXPIRING_SOON_DAYS):
        return "expiring"
    return state


def my_learning(*, user, now: datetime | None = None) -> MyLearning:
    """Everything My learning shows, in a fixed number of queries."""
    now = now or timezone.now()
    if not permissions.can_learn(user):
        return MyLearning(assigned=[], catalogue=[], tracks=[], certificates=[])
    modules = list(published_modules(user=user))
    entries = {entry.module.pk: entry for entry in catalogue_entries(user=user, modules=modules)}
    results = module_results(user=user, modules=modules, now=now)
    cards = {pk: ModuleCard(entry=entry, result=results.get(pk)) for pk, entry in entries.items()}
    tracks = list(tracks_for(user=user).filter(is_active=True))
    progress = track_progress(user=user, tracks=tracks, now=now)
    items = assignment_selectors.assigned_to(user=user, now=now)

    assigned: list[AssignedCard] = []
    assigned_modules: set[int] = set()
    assigned_tracks: set[int] = set()
    for item in items:
        if item.module is not None:
            assigned_modules.add(item.module.pk)
            assigned.append(AssignedCard(item=item, module=cards.get(item.module.pk)))
        else:
            assigned_tracks.add(item.track.pk)
            track = progress.get(item.track.pk)
            steps = track.steps if track is not None else []
            assigned_modules.update(step.module.pk for step in steps)
            assigned.append(
                AssignedCard(
                    item=item,
                    track=track,
                    track_modules=[cards[step.module.pk] for step in steps if step.module.pk in cards],
                )
            )

    by_level: dict[str, list[ModuleCard]] = {level: [] for level in Level.values}
    for module in modules:
        if module.pk not in assigned_modules:
            by_level[module.level].append(cards[module.pk])
    catalogue = [(Level(level).label, rows) for level, rows in by_level.items() if rows]
    return MyLearning(
        assigned=assigned,
        catalogue=catalogue,
        tracks=[progress[t.pk] for t in tracks if t.pk not in assigned_tracks and t.pk in progress],
        certificates=[CertificateRow(c, certificate_state(c, now)) for c in certificates_of(user=user)],
        can_author=permissions.can_author(user),
        can_assign=permissions.can_view_all_assignments(user),
        can_view_report=permissions.can_view_report(user),
    )


def home_panel(*, user, now: datetime | None = None) -> dict | None:
    """The person's open assigned training for the home page (overdue first), or None when
    nothing is assigned to them at all. One query."""
    if not permissions.can_learn(user):
        return None
    items = assignment_selectors.assigned_to(user=user, now=now)
    if not items:
        return None
    open_items = [item for item in items if item.is_open]
    return {
        "items": open_items[:HOME_PANEL_ROWS],
        "more": max(0, len(open_items) - HOME_PANEL_ROWS),
        "overdue": sum(1 for item in open_items if item.status == Standing.OVERDUE),
        "done": len(items) - len(open_items),
    }
