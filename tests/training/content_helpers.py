"""Building training content for the content tests through the real services: modules with lessons
and a valid question bank, images that are real PNGs, and an attempt that draws a module's
questions (through the quiz service), so "used" questions are used the way learners use them."""

from __future__ import annotations

import io

import pytest
from PIL import Image

from training.models import Module
from training.services import content as services

SINGLE = [
    {"text": "The right one", "is_correct": True},
    {"text": "A wrong one", "is_correct": False},
    {"text": "Another wrong one", "is_correct": False},
]
MULTIPLE = [
    {"text": "Right A", "is_correct": True},
    {"text": "Right B", "is_correct": True},
    {"text": "Wrong C", "is_correct": False},
]
TRUE_FALSE = [{"text": "True", "is_correct": False}, {"text": "False", "is_correct": True}]
KINDS = [("single", SINGLE), ("multiple", MULTIPLE), ("true_false", TRUE_FALSE)]


@pytest.fixture(autouse=True)
def lesson_media_root(settings, tmp_path):
    """Images the tests upload land in a directory of their own, removed afterwards (a test module
    that imports this fixture uses it for every test)."""
    settings.MEDIA_ROOT = tmp_path / "media"


def png_bytes(width: int = 40, height: int = 20, colour: str = "navy") -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (width, height), colour).save(buffer, format="PNG")
    return buffer.getvalue()


class Upload(io.BytesIO):
    """A file as a form or the API hands it to the service."""

    def __init__(self, data: bytes, name: str):
        super().__init__(data)
        self.name = name
        self.size = len(data)


def add_question(author, module: Module, number: int, kind: str | None = None):
    kind, choices = KINDS[number % 3] if kind is None else next(k for k in KINDS if k[0] == kind)
    return services.question_save(
        actor=author,
        module=module,
        kind=kind,
        text=f"Question {number} of {module.title}?",
        explanation=f"Because of reason {number}.",
        choices=choices,
    )


def build_module(
    author,
    title: str = "Brand voice",
    *,
    lessons: int = 2,
    questions: int = 3,
    per_attempt: int = 2,
    publish: bool = False,
    **fields,
) -> Module:
    module = services.module_create(
        actor=author,
        fields={"title": title, "questions_per_attempt": per_attempt, "cooldown_minutes": 0, **fields},
    )
    for number in range(1, lessons + 1):
        services.lesson_create(
            actor=author,
            module=module,
            title=f"Lesson {number} of {title}",
            body=f"## Part {number}\n\nWhat to know, number {number}.",
        )
    for number in range(1, questions + 1):
        add_question(author, module, number)
    if publish:
        module = services.module_publish(actor=author, module=module)
    return module


def draw_every_question(user, module: Module):
    """An attempt (through the quiz service) that draws the module's questions."""
    from training.services.quizzes import attempt_start

    return attempt_start(actor=user, module=module)
