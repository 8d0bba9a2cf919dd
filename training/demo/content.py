"""Training content of the demo company: the curriculum in training.demo.content_curriculum (six
modules and the Crisis Spokesperson final exam, 3–4 lessons and 10–12 questions each), imported
through the real import service exactly as a company would import a shared module, then
published. Two lessons show diagrams drawn here and kept in the app's storage like any upload.

Idempotent: a module whose slug exists is left as it is (the CoE may have changed it since)."""

from __future__ import annotations

import base64
import io
from copy import deepcopy

from PIL import Image, ImageDraw, ImageFont

from coe.permissions import SYSTEM
from training.demo.content_curriculum import CURRICULUM
from training.models import Module, ModuleStatus
from training.services import content as services

BRAND = (31, 58, 95)
LADDER = [
    ("1 · Low", "a complaint that could spread", (25, 135, 84)),
    ("2 · Medium", "negative attention, media interest", (204, 153, 0)),
    ("3 · High", "trending, harm to reputation", (214, 102, 20)),
    ("4 · Critical", "safety, legal or existential", (176, 42, 55)),
]
PROFILE_PARTS = [
    ("Photo", "a recent, clear picture of your face"),
    ("Name", "the same on every network"),
    ("Headline", "what you do, and for whom"),
    ("Employer", "I work at Acme"),
    ("About", "two or three sentences for the people you help"),
]


def _font(size: int):
    try:
        return ImageFont.load_default(size=size)
    except TypeError:  # Pillow built without FreeType: the small bitmap font
        return ImageFont.load_default()


def _png(image: Image.Image) -> str:
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=True)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def escalation_ladder() -> str:
    """The crisis plan's four levels as a ladder, the highest at the top."""
    width, step, top = 880, 86, 70
    image = Image.new("RGB", (width, top + step * len(LADDER) + 30), "white")
    draw = ImageDraw.Draw(image)
    draw.text((30, 20), "The escalation ladder: the level decides who is called", fill=BRAND, font=_font(26))
    for index, (level, meaning, colour) in enumerate(reversed(LADDER)):
        y = top + index * step
        inset = 40 * (len(LADDER) - 1 - index)
        draw.rounded_rectangle((30 + inset, y, width - 30, y + step - 14), radius=10, fill=colour)
        draw.text((50 + inset, y + 12), level, fill="white", font=_font(26))
        draw.text((50 + inset, y + 44), meaning, fill="white", font=_font(18))
    return _png(image)


def profile_anatomy() -> str:
    """A professional profile's parts, as a labelled card."""
    width, height = 880, 420
    image = Image.new("RGB", (width, height), (245, 247, 250))
    draw = ImageDraw.Draw(image)
    draw.rounded_rectangle((30, 30, width - 30, height - 30), radius=16, fill="white", outline=(200, 205, 212))
    draw.ellipse((60, 70, 200, 210), fill=(200, 214, 230), outline=BRAND, width=3)
    draw.text((100, 125), "you", fill=BRAND, font=_font(28))
    for index, (part, advice) in enumerate(PROFILE_PARTS):
        y = 70 + index * 62
        draw.text((240, y), part, fill=BRAND, font=_font(24))
        draw.text((380, y + 4), advice, fill=(60, 64, 70), font=_font(20))
    return _png(image)


IMAGES = {
    "account-setup-and-etiquette": [
        (
            "profile-anatomy.png",
            "The parts of a professional profile: photo, name, headline, employer, about",
            profile_anatomy,
        )
    ],
    "crisis-response": [
        ("escalation-ladder.png", "The escalation ladder: low, medium, high and critical", escalation_ladder)
    ],
}


def curriculum_documents() -> list[dict]:
    """The curriculum's documents, with the diagrams their lessons show."""
    documents = []
    for source in CURRICULUM:
        document = deepcopy(source)
        document["images"] = [
            {"name": name, "alt_text": alt, "content_type": "image/png", "data": draw()}
            for name, alt, draw in IMAGES.get(document["module"]["slug"], [])
        ]
        documents.append(document)
    return documents


def seed() -> None:
    existing = set(Module.objects.values_list("slug", flat=True))
    if all(source["module"]["slug"] in existing for source in CURRICULUM):
        return
    for document in curriculum_documents():
        if document["module"]["slug"] in existing:
            continue
        report = services.module_import(actor=SYSTEM, data=document)
        if report.module.status != ModuleStatus.PUBLISHED:
            services.module_publish(actor=SYSTEM, module=report.module)
