"""The demo's people at every stage of their training, made through the real services (lessons
read with ``lesson_mark_read``; quizzes started, answered — right or wrong on purpose — and
submitted with ``attempt_start/attempt_answer/attempt_submit``, on the days they happened), so
scores, passes and certificates are genuine:

- ``liaison`` (Lena, Marketing) holds a valid Social Publisher certificate (she failed brand voice
  once on the way); ``liaison_cs`` (Carlos, Customer Service) does not — he passed account set-up
  and failed the policy quiz last week — so the gated support channel turns him away;
- ``employee`` (Eli, Sales) passed account set-up and is half-way through social selling;
- a colleague's certificate expires within 30 days, another's has expired; the PR lead and the CoE
  manager are Crisis Spokespeople;
- the other colleagues passed at the first try, failed once then passed, failed, only read the
  lessons, or have not started.

Then the sweeps beat would have run: certificates past their date expire, the 30-day reminder
goes, and overdue assignments are reminded. Idempotent: a person who already has an attempt at a
module is not made to take it again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from coe.errors import DomainError
from training.models import Attempt, Choice, Lesson, Module, ModuleStatus
from training.services import assignments as assignment_services
from training.services import certification as certification_services
from training.services import content as content_services
from training.services import quizzes as quiz_services

User = get_user_model()

ACCOUNT = "account-setup-and-etiquette"
POLICY = "social-media-policy-and-disclosure"
BRAND = "brand-voice"
CRISIS = "crisis-response"
EXAM = "crisis-spokesperson-final-exam"
SELLING = "social-selling"
MEASURING = "measuring-what-matters"
PUBLISHER = [ACCOUNT, POLICY, BRAND]


@dataclass(frozen=True)
class Step:
    """``read`` n lessons of a module (0: all), ``pass`` or ``fail`` its quiz ``days_ago``."""

    action: str
    module: str
    days_ago: float = 0
    lessons: int = 0


def _publisher(days_ago: float, *, stumble: bool = False) -> list[Step]:
    steps = []
    for offset, slug in enumerate(PUBLISHER):
        when = days_ago - offset * 0.5
        steps.append(Step("read", slug))
        if stumble and slug == BRAND:
            steps.append(Step("fail", slug, when + 0.2))
        steps.append(Step("pass", slug, when))
    return steps


def _spokesperson(days_ago: float) -> list[Step]:
    return [Step("read", CRISIS), Step("pass", CRISIS, days_ago), Step("pass", EXAM, days_ago - 1)]


NAMED: dict[str, list[Step]] = {
    "liaison": _publisher(60, stumble=True),
    "liaison_cs": [
        Step("read", ACCOUNT),
        Step("pass", ACCOUNT, 20),
        Step("read", POLICY, lessons=2),
        Step("fail", POLICY, 6),
    ],
    "employee": [
        Step("read", ACCOUNT),
        Step("pass", ACCOUNT, 30),
        Step("read", SELLING, lessons=2),
        Step("fail", SELLING, 2),
    ],
    "manager": [*_publisher(100), *_spokesperson(40)],
    "member": [Step("read", POLICY), Step("pass", POLICY, 12), Step("read", MEASURING, lessons=1)],
    "approver": [Step("read", POLICY)],
    "pr-communications-lead": _spokesperson(20),
    "marketing-lead": [Step("read", BRAND), Step("fail", BRAND, 40), Step("pass", BRAND, 39)],
    # a certificate that expires within 30 days, and one that has expired
    "ava.thompson": _publisher(350),
    "ben.carter": _publisher(400),
}

# The other colleagues, in turn (by username): first try, fail then pass, fail, lessons only, nothing.
PATTERNS: list[list[Step]] = [
    [Step("read", POLICY), Step("pass", POLICY, 30)],
    [Step("read", POLICY), Step("fail", POLICY, 25), Step("pass", POLICY, 24)],
    [Step("read", POLICY, lessons=1), Step("fail", POLICY, 15)],
    [Step("read", POLICY, lessons=2)],
    [],
    [Step("read", POLICY), Step("pass", POLICY, 50), Step("read", BRAND), Step("pass", BRAND, 45)],
    [Step("read", ACCOUNT), Step("pass", ACCOUNT, 8), Step("read", POLICY), Step("fail", POLICY, 3)],
]


def _answers(item, *, right: bool) -> list[int]:
    choices = list(Choice.objects.filter(question_id=item.question_id).order_by("id"))
    correct = [c.pk for c in choices if c.is_correct]
    wrong = [c.pk for c in choices if not c.is_correct][:1]
    if right:
        return correct
    return wrong or correct


def _take(person, module: Module, *, passing: bool, when: datetime) -> Attempt | None:
    """One attempt at ``when``: a pass misses at most one tricky question (ids divisible by four,
    so the hardest questions show on the report); a failure gets about a third right."""
    try:
        attempt = quiz_services.attempt_start(actor=person, module=module, now=when)
    except DomainError:  # the rules refuse (no attempts left, prerequisites): leave it be
        return None
    missed = False
    for item in attempt.questions.order_by("position"):
        if passing:
            right = missed or item.question_id % 4 != 0
            missed = missed or not right
        else:
            right = item.position % 3 == 0
        quiz_services.attempt_answer(
            actor=person,
            attempt=attempt,
            position=item.position,
            choice_ids=_answers(item, right=right),
            now=when + timedelta(minutes=item.position),
        )
    return quiz_services.attempt_submit(actor=person, attempt=attempt, now=when + timedelta(minutes=12))


def _read(person, module: Module, count: int) -> None:
    lessons = list(Lesson.objects.filter(module=module).order_by("position"))
    for lesson in lessons[: count or len(lessons)]:
        content_services.lesson_mark_read(user=person, lesson=lesson)


def _follow(person, steps: list[Step], modules: dict[str, Module], now: datetime) -> None:
    tried = set(Attempt.objects.filter(user=person).values_list("module__slug", flat=True))
    for step in steps:
        module = modules.get(step.module)
        if module is None:
            continue
        if step.action == "read":
            _read(person, module, step.lessons)
        elif step.module not in tried:
            _take(person, module, passing=step.action == "pass", when=now - timedelta(days=step.days_ago))


def seed() -> None:
    now = timezone.now()
    modules = {m.slug: m for m in Module.objects.filter(status=ModuleStatus.PUBLISHED)}
    if not modules:
        return
    people = {p.username: p for p in User.objects.filter(is_active=True)}
    for username, steps in NAMED.items():
        if username in people:
            _follow(people[username], steps, modules, now)
    colleagues = sorted(name for name in people if "." in name and name not in NAMED)
    for index, username in enumerate(colleagues):
        _follow(people[username], PATTERNS[index % len(PATTERNS)], modules, now)
    # What beat would have done by now.
    certification_services.certificates_expire(now=now)
    certification_services.certificates_remind_expiring(now=now)
    assignment_services.assignments_remind(now=now)
