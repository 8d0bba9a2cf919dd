"""Reading quizzes: where a person stands with each module's quiz (passed, best score, attempts
used and left, the cool-down, an open attempt, whether a renewal asks for it again), an attempt
with its drawn questions for its owner (and CoE staff), and the lists of attempts and
accommodations.

``module_results`` is what My learning, the quiz page and ``attempt_start`` all read, so the
page says exactly what the service will allow. It is five queries however many modules it covers.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from decimal import Decimal

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from training import permissions
from training.models import Accommodation, Attempt, AttemptQuestion, Certificate, Choice, FeedbackMode, Module
from training.services.certification import (
    latest_certificates,
    track_module_ids,
    track_requirement,
    tracks_for_modules,
)


@dataclass
class ModuleResult:
    """One module's quiz as one person stands with it, at ``now``.

    ``attempts_used`` counts the attempts of the current round: all of them until the first pass,
    then those since the latest pass (a renewal starts a new round). ``attempts_left`` is None when
    the quiz allows unlimited attempts."""

    module_id: int
    passed: bool = False
    passed_at: datetime | None = None
    best_score: Decimal | None = None
    attempts_total: int = 0
    attempts_used: int = 0
    attempts_allowed: int | None = None
    attempts_left: int | None = None
    next_attempt_at: datetime | None = None  # the cool-down after a failed attempt ends
    open_attempt: Attempt | None = None
    last_attempt: Attempt | None = None
    extra_minutes: int = 0
    extra_attempts: int = 0
    retake_open: bool = False  # passed, and a certificate's renewal asks for a new pass now
    retake_from: datetime | None = None  # passed; a renewal will ask for it again from then
    retake_track: str = ""
    time_limit_minutes: int | None = None
    attempts: list[Attempt] = field(default_factory=list)

    @property
    def can_start(self) -> bool:
        return self.open_attempt is None and self.blocked_reason is None

    @property
    def blocked_reason(self) -> str | None:
        """Why a new attempt cannot start now (None: it can), for the quiz page; the service
        words its refusal with the times in the person's zone."""
        if self.passed and not self.retake_open:
            return "passed"
        if self.attempts_left is not None and self.attempts_left <= 0:
            return "no_attempts_left"
        if self.next_attempt_at is not None:
            return "cooldown"
        return None

    @property
    def in_cooldown(self) -> bool:
        return self.next_attempt_at is not None


def _applicable_extras(accommodations: list[Accommodation], module_id: int) -> tuple[int, int]:
    minutes = attempts = 0
    for accommodation in accommodations:
        if accommodation.module_id in (None, module_id):
            minutes += accommodation.extra_minutes
            attempts += accommodation.extra_attempts
    return minutes, attempts


def _renewals(*, user, module_ids: list[int], passes: dict[int, datetime], now: datetime) -> dict[int, tuple]:
    """For each passed module a certificate's renewal (or re-certification after a revocation)
    asks for again: (open now?, from when, which track). Three queries."""
    tracks = tracks_for_modules(module_ids)
    if not tracks:
        return {}
    modules_of = track_module_ids(tracks)
    latest = latest_certificates(user=user, track_ids=[track.pk for track in tracks])
    wanted: dict[int, tuple] = {}
    for track in tracks:
        certificate = latest.get(track.pk)
        if certificate is None:
            continue
        requirement = track_requirement(
            module_ids=modules_of[track.pk], final_exam_id=track.final_exam_id, latest=certificate
        )
        for module_id in requirement.fresh_ids:
            passed_at = passes.get(module_id)
            if module_id not in module_ids or passed_at is None or passed_at >= requirement.since:
                continue
            entry = (requirement.is_open(now), requirement.opens_at or requirement.since, track.name)
            current = wanted.get(module_id)
            # An open renewal wins; otherwise the earliest one to open.
            if current is None or (entry[0] and not current[0]) or (entry[0] == current[0] and entry[1] < current[1]):
                wanted[module_id] = entry
    return wanted


def module_results(*, user, modules: Iterable[Module], now: datetime | None = None) -> dict[int, ModuleResult]:
    """Where the person stands with each module's quiz (see ModuleResult). Five queries."""
    now = now or timezone.now()
    modules = list(modules)
    if not modules or not getattr(user, "pk", None):
        return {}
    ids = [module.pk for module in modules]
    attempts_by_module: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in Attempt.objects.filter(user=user, module_id__in=ids).order_by("started_at", "id"):
        attempts_by_module[attempt.module_id].append(attempt)
    accommodations = list(Accommodation.objects.filter(user=user).filter(Q(module__isnull=True) | Q(module_id__in=ids)))
    passes = {
        module_id: max(a.submitted_at for a in attempts if a.passed)
        for module_id, attempts in attempts_by_module.items()
        if any(a.passed for a in attempts)
    }
    renewals = _renewals(user=user, module_ids=ids, passes=passes, now=now) if passes else {}
    results: dict[int, ModuleResult] = {}
    for module in modules:
        attempts = attempts_by_module.get(module.pk, [])
        extra_minutes, extra_attempts = _applicable_extras(accommodations, module.pk)
        result = ModuleResult(
            module_id=module.pk,
            attempts=attempts,
            attempts_total=len(attempts),
            extra_minutes=extra_minutes,
            extra_attempts=extra_attempts,
            time_limit_minutes=module.time_limit_minutes,
        )
        scores = [a.score_percent for a in attempts if a.score_percent is not None]
        result.best_score = max(scores) if scores else None
        result.passed_at = passes.get(module.pk)
        result.passed = result.passed_at is not None
        result.open_attempt = next((a for a in attempts if a.status == Attempt.Status.IN_PROGRESS), None)
        closed = [a for a in attempts if a.status != Attempt.Status.IN_PROGRESS]
        result.last_attempt = closed[-1] if closed else None
        round_attempts = [a for a in attempts if result.passed_at is None or a.started_at > result.passed_at]
        result.attempts_used = len(round_attempts)
        if module.max_attempts:
            result.attempts_allowed = module.max_attempts + extra_attempts
            result.attempts_left = max(0, result.attempts_allowed - result.attempts_used)
        last = result.last_attempt
        if last is not None and not last.passed and last.submitted_at and module.cooldown_minutes:
            ends = last.submitted_at + timedelta(minutes=module.cooldown_minutes)
            if ends > now:
                result.next_attempt_at = ends
        if module.pk in renewals:
            is_open, opens_at, track_name = renewals[module.pk]
            result.retake_track = track_name
            if is_open:
                result.retake_open = True
            else:
                result.retake_from = opens_at
        results[module.pk] = result
    return results


def modules_passed(*, user) -> set[int]:
    """The ids of the modules whose quiz the person has passed (one query)."""
    if not getattr(user, "pk", None):
        return set()
    return set(Attempt.objects.filter(user=user, passed=True).values_list("module_id", flat=True).distinct())


# --- attempts -----------------------------------------------------------------------------------


def attempt_get(*, user, pk: int) -> Attempt:
    """An attempt its owner (or CoE staff) may open; 404 for everyone else."""
    return get_object_or_404(permissions.attempts_visible_to(user).select_related("module", "user"), pk=pk)


@dataclass
class ShownChoice:
    """A choice as the person saw it: ``key`` is its place in the shuffled order (1, 2, 3 …), the
    only handle the page and the API give it. ``is_correct`` is filled only when feedback may be
    shown."""

    key: int
    choice: Choice
    selected: bool
    is_correct: bool | None = None

    @property
    def letter(self) -> str:
        return chr(ord("A") + self.key - 1) if self.key <= 26 else str(self.key)


@dataclass
class ShownQuestion:
    item: AttemptQuestion
    choices: list[ShownChoice]

    @property
    def position(self) -> int:
        return self.item.position

    @property
    def question(self):
        return self.item.question

    @property
    def answered(self) -> bool:
        return bool(self.item.selected)

    def keys_for(self, choice_ids: Iterable[int]) -> list[int]:
        wanted = set(choice_ids)
        return [shown.key for shown in self.choices if shown.choice.pk in wanted]


def attempt_questions(*, attempt: Attempt, with_feedback: bool) -> list[ShownQuestion]:
    """The drawn questions in their order, each with its choices in the order they were shown.
    Correctness is read only when ``with_feedback`` is true; otherwise nothing derived from it is
    in the result. Two queries."""
    items = (
        AttemptQuestion.objects.filter(attempt=attempt)
        .select_related("question")
        .prefetch_related(Prefetch("question__choices", queryset=Choice.objects.order_by("id")))
        .order_by("position")
    )
    shown = []
    for item in items:
        by_id = {choice.pk: choice for choice in item.question.choices.all()}
        selected = set(item.selected or [])
        choices = [
            ShownChoice(
                key=index,
                choice=by_id[choice_id],
                selected=choice_id in selected,
                is_correct=by_id[choice_id].is_correct if with_feedback else None,
            )
            for index, choice_id in enumerate(item.choice_order, start=1)
            if choice_id in by_id
        ]
        shown.append(ShownQuestion(item=item, choices=choices))
    return shown


def feedback_visible(*, viewer, attempt: Attempt, module_passed: bool) -> bool:
    """Right answers and explanations are shown only for a closed attempt, as the module says:
    never (score only), after each attempt, or once the person passed the quiz. CoE staff looking
    at someone's closed attempt always see them (to answer a question about a result)."""
    if attempt.status == Attempt.Status.IN_PROGRESS:
        return False
    if viewer is not None and viewer.pk != attempt.user_id and permissions.can_view_all_attempts(viewer):
        return True
    mode = attempt.module.feedback
    if mode == FeedbackMode.AFTER_SUBMIT:
        return True
    if mode == FeedbackMode.AFTER_PASS:
        return module_passed
    return False


def attempts_list(*, user, module: str = "", person: str = "", status: str = "", result: str = "") -> QuerySet[Attempt]:
    """Attempts the person may see (their own; everyone's for CoE staff), newest first, filtered
    by module slug, person (username), status and result (passed / failed)."""
    attempts = permissions.attempts_visible_to(user).select_related("module", "user")
    if module:
        attempts = attempts.filter(module__slug=module)
    if person:
        attempts = attempts.filter(user__username=person)
    if status:
        attempts = attempts.filter(status=status)
    if result == "passed":
        attempts = attempts.filter(passed=True)
    elif result == "failed":
        attempts = attempts.filter(passed=False)
    return attempts.order_by("-started_at", "-id")


def accommodations_list(*, user, person: str = "", module: str = "") -> QuerySet[Accommodation]:
    accommodations = permissions.accommodations_visible_to(user).select_related("user", "module", "granted_by")
    if person:
        accommodations = accommodations.filter(user__username=person)
    if module:
        accommodations = accommodations.filter(module__slug=module)
    return accommodations.order_by("-granted_at", "-id")


def issued_by_attempt(*, attempt: Attempt):
    """Certificates issued to the attempt's owner from the moment it closed (what this pass
    earned), for the result page's next step."""
    if not attempt.passed or attempt.submitted_at is None:
        return []
    return list(
        Certificate.objects.filter(user_id=attempt.user_id, issued_at__gte=attempt.submitted_at)
        .select_related("track")
        .order_by("track__name")
    )
