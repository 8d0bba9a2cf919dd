"""Every write to quizzes: starting an attempt, saving answers, submitting (server-side scoring),
closing attempts whose time ran out, and accommodations.

The rules of a quiz:

- **Starting.** The module must be published, its prerequisites passed, no attempt open (an open
  one is resumed), attempts left (``max_attempts`` plus accommodations' extra attempts; 0 means
  unlimited; after a pass a new round starts), the cool-down after a failed attempt over, and not
  passed already — unless a certificate's renewal asks for a new pass. Reading the lessons first is
  recommended on the quiz page, not required: someone who knows the subject may test out.
- **Drawing.** ``questions_per_attempt`` of the module's active questions (those with a right
  answer) are drawn at random, their order and each question's choices shuffled, and kept with the
  attempt, so a reload shows the same quiz and nothing on the page follows the authoring order.
- **Time.** With a time limit the deadline is ``started_at + time_limit + extra minutes`` (all the
  person's accommodations for this module or for every quiz, summed). The server decides: an
  answer or a submission more than ``GRACE_SECONDS`` after the deadline is too late; the attempt is
  then closed as timed out and scored on the answers saved in time. A beat sweep closes the ones
  nobody submits.
- **Scoring** (on the server only, at submission). Single choice and true/false: 1 point for the
  right choice, else 0. Multiple choice: partial credit, (right choices picked − wrong choices
  picked) ÷ right choices, never below 0; the question counts as correct only with exactly the
  right choices. Unanswered: 0. The score is the points' share in percent (two decimals); the quiz
  is passed when the exact share reaches the pass mark. A closed attempt never changes.
- **Passing** may complete a certification track: ``certificates_issue_completed`` runs in the
  same transaction.
"""

from __future__ import annotations

import random
import zoneinfo
from dataclasses import dataclass
from datetime import datetime, timedelta
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from coe import services as coe_services
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from training import permissions
from training.models import Accommodation, Attempt, AttemptQuestion, Choice, Module, Question, QuestionKind
from training.selectors.content import modules_unlocked
from training.selectors.quizzes import module_results, modules_passed
from training.services.certification import certificates_issue_completed

GRACE_SECONDS = 10
GRACE = timedelta(seconds=GRACE_SECONDS)
MAX_EXTRA_MINUTES = 600
MAX_EXTRA_ATTEMPTS = 20
CLOSE_BATCH = 500
_shuffler = random.SystemRandom()  # unpredictable draws: nobody can replay the order


# --- helpers ------------------------------------------------------------------------------------


def _zone(user) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(getattr(user, "time_zone", "") or settings.TIME_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(settings.TIME_ZONE)


def _when(moment: datetime, user) -> str:
    """“at 14:30” today, “on 3 Mar at 14:30” otherwise, in the person's own time zone."""
    zone = _zone(user)
    local = moment.astimezone(zone)
    today = timezone.now().astimezone(zone).date()
    if local.date() == today:
        return f"at {local:%H:%M}"
    return f"on {local.day} {local:%b} at {local:%H:%M}"


def _day(moment: datetime, user) -> str:
    """“3 Mar 2026” in the person's own time zone."""
    local = moment.astimezone(_zone(user))
    return f"{local.day} {local:%b %Y}"


def _is_owner(actor, attempt: Attempt) -> bool:
    return bool(getattr(actor, "pk", None)) and actor.pk == attempt.user_id


def _lock(attempt: Attempt) -> Attempt:
    try:
        return Attempt.objects.select_for_update().select_related("module", "user").get(pk=attempt.pk)
    except Attempt.DoesNotExist as exc:
        raise DomainError("This attempt no longer exists.", code="not_found") from exc


def _is_late(attempt: Attempt, now: datetime) -> bool:
    return attempt.deadline_at is not None and now > attempt.deadline_at + GRACE


def _closed_message(attempt: Attempt) -> str:
    if attempt.status == Attempt.Status.TIMED_OUT:
        return "Time ran out on this attempt; it was scored on the answers saved in time and can no longer change."
    return "This attempt was submitted and scored; it can no longer change."


def extras_for(*, user, module: Module) -> tuple[int, int]:
    """The extra minutes and attempts of every accommodation that applies (this module or all)."""
    totals = Accommodation.objects.filter(user=user).filter(Q(module__isnull=True) | Q(module=module))
    minutes = attempts = 0
    for extra_minutes, extra_attempts in totals.values_list("extra_minutes", "extra_attempts"):
        minutes += extra_minutes
        attempts += extra_attempts
    return minutes, attempts


# --- scoring ------------------------------------------------------------------------------------


def score_question(*, kind: str, correct_ids: set[int], selected_ids: list[int]) -> tuple[Fraction, bool]:
    """Points (0 to 1) and whether the answer is exactly right, by the rule in the docstring."""
    selected = set(selected_ids)
    if not selected or not correct_ids:
        return Fraction(0), False
    exact = selected == correct_ids
    if kind == QuestionKind.MULTIPLE:
        right = len(selected & correct_ids)
        wrong = len(selected - correct_ids)
        return max(Fraction(0), Fraction(right - wrong, len(correct_ids))), exact
    return (Fraction(1) if exact else Fraction(0)), exact


def _decimal(value: Fraction, places: str) -> Decimal:
    return (Decimal(value.numerator) / Decimal(value.denominator)).quantize(Decimal(places), rounding=ROUND_HALF_UP)


def _score_and_close(attempt: Attempt, *, status: str, closed_at: datetime, now: datetime) -> Attempt:
    """Score a locked, open attempt on its saved answers and close it. Correctness is read from the
    question bank now, on the server; nothing the client sent is trusted beyond the ids it picked."""
    items = list(AttemptQuestion.objects.filter(attempt=attempt).select_related("question").order_by("position"))
    correct: dict[int, set[int]] = {}
    for question_id, choice_id in Choice.objects.filter(
        question_id__in=[item.question_id for item in items], is_correct=True
    ).values_list("question_id", "id"):
        correct.setdefault(question_id, set()).add(choice_id)
    total = Fraction(0)
    for item in items:
        points, exact = score_question(
            kind=item.question.kind, correct_ids=correct.get(item.question_id, set()), selected_ids=item.selected
        )
        item.points = _decimal(points, "0.001")
        item.is_correct = exact
        total += points
    AttemptQuestion.objects.bulk_update(items, ["points", "is_correct"])
    share = total / len(items) if items else Fraction(0)
    attempt.score_percent = _decimal(share * 100, "0.01")
    attempt.passed = share * 100 >= attempt.module.pass_mark_percent
    attempt.status = status
    attempt.submitted_at = closed_at
    attempt.save(update_fields=["score_percent", "passed", "status", "submitted_at"])
    outcome = "passed" if attempt.passed else "did not pass"
    how = " (time ran out)" if status == Attempt.Status.TIMED_OUT else ""
    audit(
        actor=attempt.user,
        action="attempt.timed_out" if status == Attempt.Status.TIMED_OUT else "attempt.submitted",
        obj=attempt,
        summary=f"{attempt.user} {outcome} the quiz of “{attempt.module}” with {attempt.score_percent}% "
        f"(attempt {attempt.number}){how}.",
        data={
            "module": attempt.module.slug,
            "number": attempt.number,
            "score_percent": str(attempt.score_percent),
            "passed": attempt.passed,
            "pass_mark_percent": attempt.module.pass_mark_percent,
        },
    )
    if attempt.passed:
        certificates_issue_completed(user=attempt.user, now=now)
    return attempt


def _close_timed_out(attempt: Attempt, *, now: datetime) -> Attempt:
    """Close an open attempt whose deadline passed, scored as it stands (its own transaction, so
    the close stands even when the caller then refuses what it was asked)."""
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.status != Attempt.Status.IN_PROGRESS or not _is_late(attempt, now):
            return attempt
        return _score_and_close(attempt, status=Attempt.Status.TIMED_OUT, closed_at=attempt.deadline_at, now=now)


# --- starting -----------------------------------------------------------------------------------


def _refuse_start(*, actor, module: Module, now: datetime) -> None:
    if not module.is_published:
        raise DomainError(f"“{module}” is not published yet, so its quiz cannot be taken.", code="not_published")
    if module.pk not in modules_unlocked(user=actor, modules=[module]):
        passed = modules_passed(user=actor)
        prerequisites = list(module.prerequisites.order_by("position", "title"))
        missing = [m.title for m in prerequisites if m.pk not in passed] or [m.title for m in prerequisites]
        names = " and ".join(f"“{title}”" for title in missing) or "the modules it builds on"
        raise DomainError(
            f"Pass {names} first: “{module}” builds on {'them' if len(missing) > 1 else 'it'}.", code="prerequisites"
        )
    result = module_results(user=actor, modules=[module], now=now)[module.pk]
    if result.passed and not result.retake_open:
        when = _day(result.passed_at, actor)
        later = (
            f" You can take it again {_when(result.retake_from, actor)} to renew your “{result.retake_track}” "
            "certificate."
            if result.retake_from
            else ""
        )
        raise Conflict(
            f"You passed this quiz on {when} with {result.best_score}%; there is nothing more to do.{later}",
            code="already_passed",
        )
    if result.attempts_left is not None and result.attempts_left <= 0:
        used = result.attempts_used
        raise DomainError(
            f"You have used all {used} attempt{'s' if used != 1 else ''} at this quiz. If you need another, ask the "
            "CoE team: they can grant an extra attempt.",
            code="no_attempts_left",
        )
    if result.next_attempt_at is not None:
        raise DomainError(
            f"You can try again {_when(result.next_attempt_at, actor)}. Use the time to go over the lessons.",
            code="cooldown",
        )


def _draw(module: Module) -> list[tuple[Question, list[int]]]:
    bank = list(
        Question.objects.filter(module=module, is_active=True)
        .annotate(right=Count("choices", filter=Q(choices__is_correct=True)), shown=Count("choices"))
        .filter(right__gte=1, shown__gte=2)
        .values_list("pk", flat=True)
    )
    if not bank:
        raise DomainError(
            f"The quiz of “{module}” has no questions yet; please come back later or tell the CoE team.",
            code="no_questions",
        )
    drawn = _shuffler.sample(bank, min(module.questions_per_attempt, len(bank)))
    choices: dict[int, list[int]] = {pk: [] for pk in drawn}
    for question_id, choice_id in Choice.objects.filter(question_id__in=drawn).values_list("question_id", "id"):
        choices[question_id].append(choice_id)
    questions = Question.objects.in_bulk(drawn)
    result = []
    for pk in drawn:
        order = choices[pk]
        _shuffler.shuffle(order)
        result.append((questions[pk], order))
    return result


def attempt_start(*, actor, module: Module, now: datetime | None = None) -> Attempt:
    """Start the person's attempt at a module's quiz, or return the one already open (a double
    click or a second tab resumes it; the one-open-attempt constraint makes concurrent starts
    safe). An open attempt whose time ran out is closed first, and the rules in the module
    docstring decide whether a new one may start."""
    if not permissions.can_learn(actor) or not getattr(actor, "pk", None):
        raise NotAllowed("Sign in to take a quiz.")
    now = now or timezone.now()
    module = Module.objects.get(pk=module.pk)
    open_attempt = Attempt.objects.filter(user=actor, module=module, status=Attempt.Status.IN_PROGRESS).first()
    if open_attempt is not None:
        if not _is_late(open_attempt, now):
            return open_attempt
        _close_timed_out(open_attempt, now=now)
    with transaction.atomic():
        _refuse_start(actor=actor, module=module, now=now)
        drawn = _draw(module)
        extra_minutes, _ = extras_for(user=actor, module=module)
        deadline = (
            now + timedelta(minutes=module.time_limit_minutes + extra_minutes) if module.time_limit_minutes else None
        )
        number = (Attempt.objects.filter(user=actor, module=module).aggregate(n=Max("number"))["n"] or 0) + 1
        try:
            with transaction.atomic():
                attempt = Attempt.objects.create(
                    user=actor, module=module, number=number, started_at=now, deadline_at=deadline
                )
                AttemptQuestion.objects.bulk_create(
                    [
                        AttemptQuestion(attempt=attempt, question=question, position=index, choice_order=order)
                        for index, (question, order) in enumerate(drawn, start=1)
                    ]
                )
        except IntegrityError:
            # Started meanwhile (a double click): resume that one.
            existing = Attempt.objects.filter(user=actor, module=module, status=Attempt.Status.IN_PROGRESS).first()
            if existing is None:
                raise Conflict("Another attempt was just started; reload the page.") from None
            return existing
    return attempt


# --- answering ----------------------------------------------------------------------------------


def attempt_answer(
    *, actor, attempt: Attempt, position: int, choice_ids: list[int], now: datetime | None = None
) -> AttemptQuestion:
    """Save the answer to one drawn question of one's own open attempt. Only that question's
    choices; single choice and true/false take exactly one; an empty list clears the answer.
    After the deadline (plus the grace) the answer is refused and the attempt is closed as timed
    out; a submitted attempt never changes."""
    if not _is_owner(actor, attempt):
        raise NotAllowed("Only the person taking a quiz answers it.")
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise Conflict(_closed_message(attempt), code="attempt_closed")
        late = _is_late(attempt, now)
        if not late:
            item = (
                AttemptQuestion.objects.select_for_update()
                .select_related("question")
                .filter(attempt=attempt, position=position)
                .first()
            )
            if item is None:
                raise DomainError(f"Question {position} is not part of this attempt.", code="invalid")
            picked = list(dict.fromkeys(int(pk) for pk in choice_ids))
            shown = list(item.choice_order)
            if any(pk not in shown for pk in picked):
                message = f"Choose among the answers shown for question {position}."
                raise DomainError(message, code="invalid", fields={"choices": [message]})
            if item.question.kind != QuestionKind.MULTIPLE and len(picked) > 1:
                message = f"Question {position} takes one answer; choose one."
                raise DomainError(message, code="invalid", fields={"choices": [message]})
            item.selected = [pk for pk in shown if pk in picked]  # kept in the order shown
            item.answered_at = now if picked else None
            item.save(update_fields=["selected", "answered_at"])
            return item
    _close_timed_out(attempt, now=now)
    raise Conflict(
        "Time is up: this answer arrived after the deadline and was not saved. Your attempt was scored on the answers "
        "saved in time.",
        code="time_up",
    )


# --- submitting ---------------------------------------------------------------------------------


def attempt_submit(*, actor, attempt: Attempt, now: datetime | None = None) -> Attempt:
    """Submit one's own open attempt: score it on the server (rule in the module docstring) and
    close it for good. A submission after the deadline plus the grace is still scored on what was
    saved in time, and marked timed out. A pass may complete a certification track."""
    if not _is_owner(actor, attempt):
        raise NotAllowed("Only the person taking a quiz submits it.")
    now = now or timezone.now()
    with transaction.atomic():
        attempt = _lock(attempt)
        if attempt.status != Attempt.Status.IN_PROGRESS:
            raise Conflict(_closed_message(attempt), code="attempt_closed")
        if _is_late(attempt, now):
            return _score_and_close(attempt, status=Attempt.Status.TIMED_OUT, closed_at=attempt.deadline_at, now=now)
        return _score_and_close(attempt, status=Attempt.Status.SUBMITTED, closed_at=now, now=now)


def attempt_expire_if_due(*, attempt: Attempt, now: datetime | None = None) -> bool:
    """What the sweep below does, for one attempt someone opens: close it as timed out if its
    deadline plus the grace has passed. True when it was closed now."""
    now = now or timezone.now()
    if attempt.status != Attempt.Status.IN_PROGRESS or not _is_late(attempt, now):
        return False
    return _close_timed_out(attempt, now=now).status == Attempt.Status.TIMED_OUT


def attempts_close_expired(*, now: datetime | None = None) -> int:
    """Close every open attempt whose deadline (plus the grace) has passed, scored as it stands and
    marked timed out (beat). Each is locked and re-checked, so a submission racing the sweep wins
    or loses cleanly, never both. Returns how many were closed."""
    now = now or timezone.now()
    due = Attempt.objects.filter(status=Attempt.Status.IN_PROGRESS, deadline_at__lt=now - GRACE).order_by(
        "deadline_at"
    )[:CLOSE_BATCH]
    closed = 0
    for attempt in due:
        if _close_timed_out(attempt, now=now).status == Attempt.Status.TIMED_OUT:
            closed += 1
    return closed


# --- accommodations -----------------------------------------------------------------------------


@dataclass(frozen=True)
class AccommodationInput:
    extra_minutes: int
    extra_attempts: int
    reason: str


def accommodation_check(*, user, module: Module | None, extra_minutes, extra_attempts, reason) -> AccommodationInput:
    """The rules of a grant (an active person, a reason, 0–600 extra minutes and 0–20 extra
    attempts, at least one of them), cleaned; a DomainError names the field. The admin's form runs
    it too."""
    reason = " ".join(str(reason or "").split())
    fields: dict[str, list[str]] = {}
    if not reason:
        fields["reason"] = ["Say why (e.g. “screen reader user: extra time”); it is kept with the grant."]
    elif len(reason) > Accommodation._meta.get_field("reason").max_length:
        fields["reason"] = ["Keep the reason under 300 characters."]
    if not isinstance(extra_minutes, int) or not 0 <= extra_minutes <= MAX_EXTRA_MINUTES:
        fields["extra_minutes"] = [f"Extra minutes are 0 to {MAX_EXTRA_MINUTES}."]
    if not isinstance(extra_attempts, int) or not 0 <= extra_attempts <= MAX_EXTRA_ATTEMPTS:
        fields["extra_attempts"] = [f"Extra attempts are 0 to {MAX_EXTRA_ATTEMPTS}."]
    if not fields and extra_minutes == 0 and extra_attempts == 0:
        fields["extra_minutes"] = ["Grant extra minutes, extra attempts or both."]
    if user is None or not getattr(user, "pk", None) or not user.is_active:
        fields["user"] = ["Choose an active person."]
    if fields:
        raise DomainError(next(iter(fields.values()))[0], code="invalid", fields=fields)
    return AccommodationInput(extra_minutes, extra_attempts, reason)


@transaction.atomic
def accommodation_grant(
    *, actor, user, module: Module | None = None, extra_minutes: int = 0, extra_attempts: int = 0, reason: str
) -> Accommodation:
    """Grant a person extra time or extra attempts, on one module's quiz or on every quiz (CoE
    staff), e.g. as an accessibility accommodation. The reason and who granted it are kept and
    audited; the person is told what they got. Grants add up. Extra minutes apply to attempts
    started from now on; an extra attempt can be used at once."""
    if not permissions.can_grant_accommodation(actor):
        raise NotAllowed("Only the CoE team grants extra time or attempts.")
    cleaned = accommodation_check(
        user=user, module=module, extra_minutes=extra_minutes, extra_attempts=extra_attempts, reason=reason
    )
    accommodation = Accommodation.objects.create(
        user=user,
        module=module,
        extra_minutes=cleaned.extra_minutes,
        extra_attempts=cleaned.extra_attempts,
        reason=cleaned.reason,
        granted_by=actor if getattr(actor, "pk", None) else None,
    )
    scope = f"the quiz of “{module}”" if module else "every quiz"
    what = " and ".join(
        part
        for part in (
            f"{cleaned.extra_minutes} extra minutes" if cleaned.extra_minutes else "",
            f"{cleaned.extra_attempts} extra attempt{'s' if cleaned.extra_attempts != 1 else ''}"
            if cleaned.extra_attempts
            else "",
        )
        if part
    )
    audit(
        actor=actor,
        action="accommodation.granted",
        obj=accommodation,
        summary=f"{user} was granted {what} on {scope}.",
        data={
            "user": user.pk,
            "module": module.slug if module else None,
            "extra_minutes": cleaned.extra_minutes,
            "extra_attempts": cleaned.extra_attempts,
            "reason": cleaned.reason,
        },
    )
    coe_services.notify(
        recipients=[user],
        kind="accommodation_granted",
        title=f"You have {what} on {scope}",
        body="The CoE team granted it. Extra time applies to attempts you start from now on.",
        url=module.get_absolute_url() if module else "",
        exclude=actor if getattr(actor, "pk", None) else None,
    )
    return accommodation


@transaction.atomic
def accommodation_withdraw(*, actor, accommodation: Accommodation) -> None:
    """Withdraw a grant made by mistake (CoE staff), audited. Attempts already started keep their
    deadline; attempts already used stay used."""
    if not permissions.can_grant_accommodation(actor):
        raise NotAllowed("Only the CoE team withdraws accommodations.")
    accommodation = Accommodation.objects.select_related("user", "module").get(pk=accommodation.pk)
    audit(
        actor=actor,
        action="accommodation.withdrawn",
        obj=accommodation,
        summary=f"{accommodation.user}'s accommodation (+{accommodation.extra_minutes} min, "
        f"+{accommodation.extra_attempts} attempts on {accommodation.module or 'every quiz'}) was withdrawn.",
        data={
            "user": accommodation.user_id,
            "module": accommodation.module.slug if accommodation.module else None,
            "extra_minutes": accommodation.extra_minutes,
            "extra_attempts": accommodation.extra_attempts,
            "reason": accommodation.reason,
        },
    )
    accommodation.delete()
