"""The rules a module's content follows, and the JSON format modules travel in between CoE Hubs.

Two kinds of readers use the rules: the services that write modules, lessons and questions (a
refusal names the field), and the import, which checks a whole document before anything is written
and reports every problem with its place in the document (``questions[3].choices: …``).

The format (documented in docs/training-module-format.md)::

    {"format": "coe-hub.training-module", "version": 1, "exported_at": "…",
     "module": {"title", "slug", "summary", "level", "estimated_minutes", "position",
                "prerequisites": [slug, …],
                "quiz": {"questions_per_attempt", "pass_mark_percent", "max_attempts",
                         "cooldown_minutes", "time_limit_minutes", "feedback"}},
     "lessons": [{"title", "estimated_minutes", "body"}, …],                 # in order
     "questions": [{"kind", "text", "explanation",
                    "choices": [{"text", "correct"}, …]}, …],                # the active bank
     "images": [{"name", "alt_text", "content_type", "data"}, …]}            # data: base64

No ids: a module's lessons refer to its images by name (``image:<name>``) and its prerequisites by
slug, so a document reads the same in any installation.
"""

from __future__ import annotations

import base64
import binascii
import io
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from PIL import Image, UnidentifiedImageError

from coe.errors import DomainError
from training.lesson_text import IMAGE_NAME, image_references
from training.models import FeedbackMode, Level, QuestionKind

FORMAT = "coe-hub.training-module"
FORMAT_VERSION = 1
SUPPORTED_VERSIONS = frozenset({1})
MAX_IMPORT_BYTES = 30 * 1024 * 1024
MAX_LESSONS = 100
MAX_QUESTIONS = 500
MAX_CHOICES = 8
MAX_IMAGES = 50
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_LESSON_CHARS = 100_000
IMAGE_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}
TRUE_FALSE_TEXTS = ("True", "False")
# Addresses under /training/modules/ and /training/author/modules/ that a module's slug never takes.
RESERVED_SLUGS = frozenset({"new", "import"})
SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")

# name: (smallest, largest) for the whole-number settings of a module and its quiz.
MODULE_NUMBERS = {
    "estimated_minutes": (1, 600),
    "position": (0, 32767),
    "questions_per_attempt": (1, 100),
    "pass_mark_percent": (1, 100),
    "max_attempts": (0, 50),
    "cooldown_minutes": (0, 10080),
    "time_limit_minutes": (1, 600),
}
QUIZ_FIELDS = (
    "questions_per_attempt",
    "pass_mark_percent",
    "max_attempts",
    "cooldown_minutes",
    "time_limit_minutes",
    "feedback",
)
MODULE_TEXT_LIMITS = {"title": 200, "slug": 200, "summary": 400}
LESSON_NUMBERS = {"estimated_minutes": (1, 240)}
NUMBER_HINTS = {
    "max_attempts": " (0 means unlimited)",
    "cooldown_minutes": " (a week at most)",
    "time_limit_minutes": " (leave it empty for no limit)",
}


# --- the rules, as messages per field ------------------------------------------------------------


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def number_problem(name: str, value: Any, limits: tuple[int, int]) -> str | None:
    low, high = limits
    if not _is_int(value) or not low <= value <= high:
        return f"Give a whole number from {low} to {high}{NUMBER_HINTS.get(name, '')}."
    return None


def module_field_problems(values: Mapping[str, Any]) -> dict[str, str]:
    """What is wrong with the module settings given (only those given are checked)."""
    problems: dict[str, str] = {}
    for name, limit in MODULE_TEXT_LIMITS.items():
        if name not in values:
            continue
        value = values[name]
        if not isinstance(value, str):
            problems[name] = "Give a text."
        elif name in {"title", "slug"} and not value.strip():
            problems[name] = "The module needs a title." if name == "title" else "The module needs a slug."
        elif len(value) > limit:
            problems[name] = f"At most {limit} characters (this is {len(value)})."
    if "slug" in values and "slug" not in problems:
        slug = values["slug"]
        if not SLUG.match(slug):
            problems["slug"] = "Use lower-case letters, digits and single dashes (e.g. crisis-response)."
        elif slug in RESERVED_SLUGS:
            problems["slug"] = f"“{slug}” is a word the training pages use for themselves; choose another slug."
    if "level" in values and values["level"] not in Level.values:
        problems["level"] = f"“{values['level']}” is not a level; use one of: {', '.join(Level.values)}."
    if "feedback" in values and values["feedback"] not in FeedbackMode.values:
        problems["feedback"] = (
            f"“{values['feedback']}” is not a feedback mode; use one of: {', '.join(FeedbackMode.values)}."
        )
    for name, limits in MODULE_NUMBERS.items():
        if name not in values or (name == "time_limit_minutes" and values[name] is None):
            continue
        problem = number_problem(name, values[name], limits)
        if problem:
            problems[name] = problem
    return problems


def question_problems(kind: Any, text: Any, choices: Sequence[Mapping[str, Any]]) -> dict[str, str]:
    """What is wrong with a question and its choices: every question has a text and at least two
    choices, each with a text; a single-choice question exactly one correct choice; a true/false
    question exactly the two choices “True” and “False”, one of them correct; a multiple-choice
    question at least one correct choice. Keys: ``kind``, ``text``, ``choices``, ``choices[i].text``."""
    problems: dict[str, str] = {}
    if kind not in QuestionKind.values:
        problems["kind"] = f"“{kind}” is not a kind of question; use one of: {', '.join(QuestionKind.values)}."
    if not isinstance(text, str) or not text.strip():
        problems["text"] = "The question needs a text."
    for index, choice in enumerate(choices):
        choice_text = choice.get("text")
        if not isinstance(choice_text, str) or not choice_text.strip():
            problems[f"choices[{index}].text"] = "Each choice needs a text."
        elif len(choice_text) > 500:
            problems[f"choices[{index}].text"] = f"At most 500 characters (this is {len(choice_text)})."
    correct = sum(1 for choice in choices if choice.get("is_correct") is True)
    texts = [str(choice.get("text") or "").strip() for choice in choices]
    if len(choices) < 2:
        problems["choices"] = "A question needs at least two choices."
    elif len(choices) > MAX_CHOICES:
        problems["choices"] = f"A question has at most {MAX_CHOICES} choices."
    elif len({t.casefold() for t in texts if t}) < len([t for t in texts if t]):
        problems["choices"] = "Two choices have the same text; each choice must differ."
    elif kind == QuestionKind.TRUE_FALSE:
        if len(choices) != 2 or sorted(t.casefold() for t in texts) != ["false", "true"]:
            problems["choices"] = "A true/false question has exactly the two choices “True” and “False”."
        elif correct != 1:
            problems["choices"] = "A true/false question needs exactly one correct choice."
    elif kind == QuestionKind.SINGLE and correct != 1:
        problems["choices"] = (
            f"A single-choice question needs exactly one correct choice (this one has {correct}); "
            "use multiple choice if several are right."
        )
    elif kind == QuestionKind.MULTIPLE and correct < 1:
        problems["choices"] = "A multiple-choice question needs at least one correct choice."
    return problems


def first_problem_error(problems: Mapping[str, str], *, code: str = "invalid") -> DomainError:
    """The refusal for a set of problems: the first one as the message, each under its field."""
    message = next(iter(problems.values()))
    return DomainError(message, code=code, fields={key: [value] for key, value in problems.items()})


# --- images ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int
    size: int


def inspect_image(data: bytes, *, name: str = "the image") -> ImageInfo:
    """Refuse anything that is not a JPEG, PNG, GIF or WebP image of at most 5 MB."""
    if len(data) > MAX_IMAGE_BYTES:
        raise DomainError(
            f"{name} is {len(data) / (1024 * 1024):.1f} MB; lesson images may be at most "
            f"{MAX_IMAGE_BYTES // (1024 * 1024)} MB.",
            code="media",
        )
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
            kind, width, height = image.format, image.width, image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError(f"{name} is not an image we can read (JPEG, PNG, GIF or WebP).", code="media") from exc
    if kind not in IMAGE_TYPES:
        raise DomainError(f"{name} is a {kind} image; use JPEG, PNG, GIF or WebP.", code="media")
    return ImageInfo(content_type=IMAGE_TYPES[kind], width=width, height=height, size=len(data))


# --- the document ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a document, at its place in it (``$`` is the whole document)."""

    path: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}: {self.message}"


@dataclass
class ModuleDocument:
    """A document that passed every check, in the shape the services write."""

    fields: dict[str, Any]
    prerequisites: list[str]
    lessons: list[dict[str, Any]]
    questions: list[dict[str, Any]]
    images: list[dict[str, Any]]
    warnings: list[str] = field(default_factory=list)


TOP_KEYS = {"format", "version", "exported_at", "exported_from", "module", "lessons", "questions", "images"}
MODULE_KEYS = {"title", "slug", "summary", "level", "estimated_minutes", "position", "prerequisites", "quiz"}
LESSON_KEYS = {"title", "estimated_minutes", "body"}
QUESTION_KEYS = {"kind", "text", "explanation", "choices"}
CHOICE_KEYS = {"text", "correct"}
IMAGE_KEYS = {"name", "alt_text", "content_type", "data"}


class _Checker:
    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, path: str, message: str) -> None:
        self.problems.append(Problem(path, message))

    def obj(self, value: Any, path: str, allowed: set[str], required: Sequence[str] = ()) -> dict | None:
        if not isinstance(value, dict):
            self.add(path, f"Expected an object, found {_kind_of(value)}.")
            return None
        for key in sorted(set(value) - allowed):
            self.add(f"{path}.{key}" if path != "$" else key, "Unknown field; remove it.")
        for key in required:
            if key not in value:
                self.add(f"{path}.{key}" if path != "$" else key, "Missing; this field is required.")
        return value

    def array(self, value: Any, path: str, limit: int) -> list:
        if not isinstance(value, list):
            self.add(path, f"Expected a list, found {_kind_of(value)}.")
            return []
        if len(value) > limit:
            self.add(path, f"At most {limit} items (this has {len(value)}).")
            return []
        return value

    def text(self, value: Any, path: str, *, required: bool = True, limit: int | None = None) -> str:
        if not isinstance(value, str):
            self.add(path, f"Expected a text, found {_kind_of(value)}.")
            return ""
        if required and not value.strip():
            self.add(path, "Must not be empty.")
        elif limit is not None and len(value) > limit:
            self.add(path, f"At most {limit} characters (this is {len(value)}).")
        return value


def _kind_of(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    return {dict: "an object", list: "a list", str: "a text", int: "a number", float: "a number"}.get(
        type(value), type(value).__name__
    )


def load_document(data: str | bytes | Mapping[str, Any]) -> tuple[Any, list[Problem]]:
    """JSON text or bytes (or an already parsed document) to Python values."""
    if isinstance(data, Mapping):
        return dict(data), []
    if isinstance(data, bytes) and len(data) > MAX_IMPORT_BYTES:
        return None, [Problem("$", f"The file is larger than {MAX_IMPORT_BYTES // (1024 * 1024)} MB.")]
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        return json.loads(text), []
    except UnicodeDecodeError:
        return None, [Problem("$", "The file is not UTF-8 text; export the module again as JSON.")]
    except json.JSONDecodeError as exc:
        return None, [Problem("$", f"This is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}.")]


def check_document(data: str | bytes | Mapping[str, Any]) -> tuple[ModuleDocument | None, list[Problem]]:
    """Every check a document must pass before anything is written, all at once: the format and
    version, each field's type and range, each lesson, each question's rules and each image."""
    document, problems = load_document(data)
    if problems:
        return None, problems
    check = _Checker()
    top = check.obj(document, "$", TOP_KEYS, required=("format", "version", "module", "lessons", "questions"))
    if top is None:
        return None, check.problems
    if "format" in top and top["format"] != FORMAT:
        check.add("format", f"This is not a training module export (expected “{FORMAT}”).")
    if "version" in top:
        version = top["version"]
        if not _is_int(version):
            check.add("version", f"Expected a whole number, found {_kind_of(version)}.")
        elif version not in SUPPORTED_VERSIONS:
            readable = ", ".join(str(v) for v in sorted(SUPPORTED_VERSIONS))
            check.add("version", f"Version {version} is not supported; this CoE Hub reads version {readable}.")

    fields: dict[str, Any] = {}
    prerequisites: list[str] = []
    module = (
        check.obj(top["module"], "module", MODULE_KEYS, required=("title", "slug", "level", "quiz"))
        if "module" in top
        else None
    )
    if module is not None:
        for name in ("title", "slug", "summary", "level", "estimated_minutes", "position"):
            if name in module:
                fields[name] = module[name]
        if "prerequisites" in module:
            for index, slug in enumerate(check.array(module["prerequisites"], "module.prerequisites", 50)):
                if not isinstance(slug, str) or not SLUG.match(slug):
                    check.add(f"module.prerequisites[{index}]", "Expected a module's slug.")
                else:
                    prerequisites.append(slug)
        quiz = check.obj(module.get("quiz", {}), "module.quiz", set(QUIZ_FIELDS))
        if quiz is not None:
            fields.update({name: quiz[name] for name in QUIZ_FIELDS if name in quiz})
        for name, message in module_field_problems(fields).items():
            place = f"module.quiz.{name}" if name in QUIZ_FIELDS else f"module.{name}"
            check.add(place, message)

    images: list[dict[str, Any]] = []
    names: set[str] = set()
    for index, item in enumerate(check.array(top.get("images", []), "images", MAX_IMAGES)):
        path = f"images[{index}]"
        image = check.obj(item, path, IMAGE_KEYS, required=("name", "data"))
        if image is None:
            continue
        name = check.text(image.get("name", ""), f"{path}.name")
        if name and not IMAGE_NAME.match(name):
            check.add(f"{path}.name", "Use lower-case letters, digits, dots, dashes and underscores (e.g. ladder.png).")
        elif name in names:
            check.add(f"{path}.name", f"Another image is already called “{name}”.")
        names.add(name)
        alt_text = check.text(image.get("alt_text", ""), f"{path}.alt_text", required=False, limit=300)
        encoded = check.text(image.get("data", ""), f"{path}.data")
        try:
            content = base64.b64decode(encoded, validate=True) if encoded else b""
        except (binascii.Error, ValueError):
            check.add(f"{path}.data", "Not base64: the image's bytes are encoded with base64.")
            continue
        if not content:
            continue
        try:
            info = inspect_image(content, name=name or "The image")
        except DomainError as exc:
            check.add(f"{path}.data", exc.message)
            continue
        images.append({"name": name, "alt_text": alt_text.strip(), "content": content, "info": info})

    lessons: list[dict[str, Any]] = []
    for index, item in enumerate(check.array(top.get("lessons", []), "lessons", MAX_LESSONS)):
        path = f"lessons[{index}]"
        lesson = check.obj(item, path, LESSON_KEYS, required=("title", "body"))
        if lesson is None:
            continue
        title = check.text(lesson.get("title", ""), f"{path}.title", limit=200)
        body = check.text(lesson.get("body", ""), f"{path}.body", limit=MAX_LESSON_CHARS)
        minutes = lesson.get("estimated_minutes", 5)
        problem = number_problem("estimated_minutes", minutes, LESSON_NUMBERS["estimated_minutes"])
        if problem:
            check.add(f"{path}.estimated_minutes", problem)
        for name in image_references(body):
            if name not in names:
                check.add(f"{path}.body", f"Shows image:{name}, which is not among the document's images.")
        lessons.append({"title": title.strip(), "body": body, "estimated_minutes": minutes})

    questions: list[dict[str, Any]] = []
    for index, item in enumerate(check.array(top.get("questions", []), "questions", MAX_QUESTIONS)):
        path = f"questions[{index}]"
        question = check.obj(item, path, QUESTION_KEYS, required=("kind", "text", "choices"))
        if question is None:
            continue
        explanation = check.text(question.get("explanation", ""), f"{path}.explanation", required=False)
        choices: list[dict[str, Any]] = []
        for number, raw in enumerate(check.array(question.get("choices", []), f"{path}.choices", 50)):
            choice = check.obj(raw, f"{path}.choices[{number}]", CHOICE_KEYS, required=("text", "correct"))
            if choice is None:
                continue
            correct = choice.get("correct", False)
            if not isinstance(correct, bool):
                check.add(f"{path}.choices[{number}].correct", "Expected true or false.")
            choices.append({"text": choice.get("text"), "is_correct": correct is True})
        if "choices" in question and isinstance(question["choices"], list):
            for name, message in question_problems(question.get("kind"), question.get("text"), choices).items():
                check.add(f"{path}.{name}", message)
        elif "text" in question:
            for name, message in question_problems(question.get("kind"), question.get("text"), [{}, {}]).items():
                if name in {"kind", "text"}:
                    check.add(f"{path}.{name}", message)
        questions.append(
            {
                "kind": question.get("kind"),
                "text": str(question.get("text") or "").strip(),
                "explanation": explanation.strip(),
                "choices": [{"text": str(c["text"] or "").strip(), "is_correct": c["is_correct"]} for c in choices],
            }
        )

    if check.problems:
        return None, check.problems
    result = ModuleDocument(
        fields=fields, prerequisites=prerequisites, lessons=lessons, questions=questions, images=images
    )
    wanted = fields.get("questions_per_attempt", 8)
    if len(questions) < wanted:
        result.warnings.append(
            f"The quiz draws {wanted} questions but the document has {len(questions)}: add "
            f"{wanted - len(questions)} before publishing, or draw fewer."
        )
    if not lessons:
        result.warnings.append("The document has no lessons: write at least one before publishing.")
    return result, []
