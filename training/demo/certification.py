"""The demo's two certification tracks, built on the curriculum training.demo.content seeds:
Social Publisher (what a liaison needs before submitting to the corporate channels) and Crisis
Spokesperson (crisis response, then a final exam). Through the same services as the pages;
idempotent: a track already as described is left alone."""

from __future__ import annotations

from coe.permissions import SYSTEM
from training.models import CertificationTrack, Module
from training.services import certification as services

TRACKS = [
    {
        "name": "Social Publisher",
        "slug": "social-publisher",
        "description": (
            "For department liaisons and anyone who posts on the company's channels. Covers setting up and "
            "securing accounts, the social media policy and disclosure rules, and writing in the brand's voice. "
            "Channels that carry the company's name require a valid Social Publisher certificate before you "
            "can submit posts to them."
        ),
        "modules": ["account-setup-and-etiquette", "social-media-policy-and-disclosure", "brand-voice"],
        "final_exam": None,
        "validity_days": 365,
    },
    {
        "name": "Crisis Spokesperson",
        "slug": "crisis-spokesperson",
        "description": (
            "For the people a crisis plan names to speak for the company: recognising a crisis early, escalating, "
            "holding statements and the first hours on social. Ends with a final exam; renewed every six months "
            "by passing the exam again, because plans and people change."
        ),
        "modules": ["crisis-response"],
        "final_exam": "crisis-spokesperson-final-exam",
        "validity_days": 180,
    },
]


def _wanted(spec: dict, by_slug: dict[str, Module]) -> dict | None:
    modules = [by_slug[slug] for slug in spec["modules"] if slug in by_slug]
    final_exam = by_slug.get(spec["final_exam"]) if spec["final_exam"] else None
    if not modules and final_exam is None:
        return None  # the curriculum is not there (content seeds it first)
    return {
        "name": spec["name"],
        "description": spec["description"],
        "modules": modules,
        "final_exam": final_exam,
        "validity_days": spec["validity_days"],
        "is_active": True,
    }


def _differences(track: CertificationTrack, wanted: dict) -> dict:
    current = {
        "name": track.name,
        "description": track.description,
        "modules": [tm.module_id for tm in track.track_modules.order_by("position", "id")],
        "final_exam": track.final_exam_id,
        "validity_days": track.validity_days,
        "is_active": track.is_active,
    }
    comparable = {
        **wanted,
        "modules": [module.pk for module in wanted["modules"]],
        "final_exam": wanted["final_exam"].pk if wanted["final_exam"] else None,
    }
    return {name: wanted[name] for name in wanted if current[name] != comparable[name]}


def seed() -> None:
    slugs = {slug for spec in TRACKS for slug in [*spec["modules"], spec["final_exam"]] if slug}
    by_slug = {module.slug: module for module in Module.objects.filter(slug__in=slugs)}
    for spec in TRACKS:
        wanted = _wanted(spec, by_slug)
        if wanted is None:
            continue
        track = CertificationTrack.objects.filter(slug=spec["slug"]).first()
        if track is None:
            track = services.track_create(actor=SYSTEM, fields=wanted)
            if track.slug != spec["slug"]:
                CertificationTrack.objects.filter(pk=track.pk).update(slug=spec["slug"])
            continue
        changes = _differences(track, wanted)
        if changes:
            services.track_update(actor=SYSTEM, track=track, changes=changes)
