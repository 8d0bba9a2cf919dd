"""Building quizzes and taking them for the quiz and certification tests: a published module with
a question bank of every kind, and a person answering every question right (or wrong) through
the real services. The right answers are read from the database, never from a page."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone
from django.utils.text import slugify

from training.models import (
    Attempt,
    CertificationTrack,
    Choice,
    FeedbackMode,
    Module,
    ModuleStatus,
    Question,
    QuestionKind,
    TrackModule,
)
from training.services import quizzes as services


def make_question(module: Module, kind: str = QuestionKind.SINGLE, position: int = 10, text: str = "") -> Question:
    """Single choice: four choices, the first right. Multiple: four, the first two right.
    True/false: “True” right."""
    question = Question.objects.create(
        module=module,
        kind=kind,
        text=text or f"{kind} question {position} of {module.slug}",
        explanation=f"Why: explanation {position} of {module.slug}.",
        position=position,
    )
    if kind == QuestionKind.TRUE_FALSE:
        specs = [("True", True), ("False", False)]
    elif kind == QuestionKind.MULTIPLE:
        specs = [("Right A", True), ("Right B", True), ("Wrong C", False), ("Wrong D", False)]
    else:
        specs = [("Right", True), ("Wrong 1", False), ("Wrong 2", False), ("Wrong 3", False)]
    Choice.objects.bulk_create(
        [
            Choice(question=question, text=f"{label} ({position})", is_correct=correct, position=index)
            for index, (label, correct) in enumerate(specs, start=1)
        ]
    )
    return question


def make_module(
    title: str = "Account set-up and etiquette",
    *,
    kinds: tuple[str, ...] = (QuestionKind.SINGLE, QuestionKind.MULTIPLE, QuestionKind.TRUE_FALSE, QuestionKind.SINGLE),
    questions_per_attempt: int | None = None,
    pass_mark_percent: int = 75,
    max_attempts: int = 3,
    cooldown_minutes: int = 60,
    time_limit_minutes: int | None = None,
    feedback: str = FeedbackMode.AFTER_SUBMIT,
    status: str = ModuleStatus.PUBLISHED,
    prerequisites: tuple[Module, ...] = (),
) -> Module:
    module = Module.objects.create(
        title=title,
        slug=slugify(title),
        status=status,
        questions_per_attempt=questions_per_attempt or len(kinds),
        pass_mark_percent=pass_mark_percent,
        max_attempts=max_attempts,
        cooldown_minutes=cooldown_minutes,
        time_limit_minutes=time_limit_minutes,
        feedback=feedback,
        published_at=timezone.now() if status == ModuleStatus.PUBLISHED else None,
    )
    for index, kind in enumerate(kinds, start=1):
        make_question(module, kind, position=index * 10)
    if prerequisites:
        module.prerequisites.set(prerequisites)
    return module


def make_track(name: str, modules: list[Module], *, final_exam: Module | None = None, validity_days: int = 365):
    track = CertificationTrack.objects.create(
        name=name, slug=slugify(name), final_exam=final_exam, validity_days=validity_days
    )
    TrackModule.objects.bulk_create(
        [TrackModule(track=track, module=module, position=(i + 1) * 10) for i, module in enumerate(modules)]
    )
    return track


def right_choices(item) -> list[int]:
    return list(Choice.objects.filter(question=item.question, is_correct=True).values_list("pk", flat=True))


def wrong_choices(item) -> list[int]:
    return list(Choice.objects.filter(question=item.question, is_correct=False).values_list("pk", flat=True))[:1]


def answer_all(user, attempt: Attempt, *, right: bool = True, now: datetime | None = None) -> None:
    for item in attempt.questions.select_related("question").order_by("position"):
        services.attempt_answer(
            actor=user,
            attempt=attempt,
            position=item.position,
            choice_ids=right_choices(item) if right else wrong_choices(item),
            now=now,
        )


def take(user, module: Module, *, right: bool = True, now: datetime | None = None) -> Attempt:
    """Start, answer every question right (or wrong) and submit, at ``now``."""
    attempt = services.attempt_start(actor=user, module=module, now=now)
    answer_all(user, attempt, right=right, now=now)
    return services.attempt_submit(actor=user, attempt=attempt, now=now)
