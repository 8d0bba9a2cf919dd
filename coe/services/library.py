"""The best-practice library: anyone submits a practice or case study; the CoE curates it
(approve, decline with a note to the submitter, feature, tag); people vote once and mark "we
adopted this" once per department."""

from __future__ import annotations

import os
from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify

from coe import permissions
from coe.audit import audit
from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Department, Practice, PracticeAdoption, PracticeAttachment, PracticeTag, PracticeVote

ATTACHMENT_MAX_BYTES = 10 * 1024 * 1024
# Images, PDF and office documents; nothing executable, no HTML (it would run in the browser).
ATTACHMENT_TYPES = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".gif": "image/gif",
    ".webp": "image/webp",
    ".pdf": "application/pdf",
    ".doc": "application/msword",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xls": "application/vnd.ms-excel",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".ppt": "application/vnd.ms-powerpoint",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
}
MAX_ATTACHMENTS = 5


def attachment_check(upload) -> str:
    """The content type to serve an upload with; DomainError when it is too big or not an image,
    a PDF or an office document."""
    name = os.path.basename(getattr(upload, "name", "") or "")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ATTACHMENT_TYPES:
        message = f"“{name}” is not an image, a PDF or an office document."
        raise DomainError(message, fields={"attachments": [message]})
    if upload.size > ATTACHMENT_MAX_BYTES:
        message = (
            f"“{name}” is {upload.size / 1024 / 1024:.1f} MB; attachments may be up to "
            f"{ATTACHMENT_MAX_BYTES // 1024 // 1024} MB."
        )
        raise DomainError(message, fields={"attachments": [message]})
    return ATTACHMENT_TYPES[extension]


def _require(allowed: bool, message: str) -> None:
    if not allowed:
        raise NotAllowed(message)


def _actor(actor):
    return actor if getattr(actor, "pk", None) else None


@transaction.atomic
def practice_submit(
    *,
    actor,
    title: str,
    summary: str,
    what_was_done: str,
    kind: str = Practice.Kind.PRACTICE,
    department: Department | None = None,
    channel: str = "",
    results: str = "",
    attachments: Iterable = (),
) -> Practice:
    """Anyone submits a practice or case study; it waits for the CoE before others see it.
    Attachments are checked (type, size) before anything is written."""
    _require(permissions.can_submit_practice(actor), "You cannot submit practices.")
    attachments = list(attachments)
    if len(attachments) > MAX_ATTACHMENTS:
        raise DomainError(f"Attach up to {MAX_ATTACHMENTS} files.", fields={"attachments": ["Too many files."]})
    for upload in attachments:
        attachment_check(upload)
    if not title.strip() or not summary.strip() or not what_was_done.strip():
        raise DomainError("A practice needs a title, a summary and what was done.")
    practice = Practice.objects.create(
        title=title.strip(),
        kind=kind,
        department=department,
        channel=channel.strip(),
        summary=summary.strip(),
        what_was_done=what_was_done,
        results=results,
        submitted_by=_actor(actor),
    )
    for upload in attachments:
        PracticeAttachment.objects.create(
            practice=practice, file=upload, name=os.path.basename(upload.name)[:200], uploaded_by=_actor(actor)
        )
    audit(actor=actor, action="practice.submitted", summary=f"Submitted “{practice.title}”", obj=practice)
    return practice


def _curate(actor, practice: Practice) -> Practice:
    _require(permissions.can_curate_practices(actor), "Only the CoE curates the library.")
    return Practice.objects.select_for_update().get(pk=practice.pk)


@transaction.atomic
def practice_approve(*, actor, practice: Practice) -> Practice:
    """Put a submitted (or declined) practice in the library for everyone."""
    practice = _curate(actor, practice)
    if practice.status == Practice.Status.APPROVED:
        raise Conflict("This practice is already in the library.")
    practice.status = Practice.Status.APPROVED
    practice.curated_by, practice.curated_at, practice.curator_note = _actor(actor), timezone.now(), ""
    practice.save()
    audit(actor=actor, action="practice.approved", summary=f"Approved “{practice.title}”", obj=practice)
    _tell_submitter(actor, practice, f"“{practice.title}” is in the library now")
    return practice


@transaction.atomic
def practice_decline(*, actor, practice: Practice, note: str) -> Practice:
    """Decline with a note the submitter reads (required); a featured practice loses the spot."""
    practice = _curate(actor, practice)
    if not note.strip():
        raise DomainError("Tell the submitter why: a note is required.", fields={"note": ["Required."]})
    practice.status = Practice.Status.DECLINED
    practice.is_featured = False
    practice.curated_by, practice.curated_at, practice.curator_note = _actor(actor), timezone.now(), note.strip()[:300]
    practice.save()
    audit(actor=actor, action="practice.declined", summary=f"Declined “{practice.title}”", obj=practice)
    _tell_submitter(actor, practice, f"“{practice.title}” was not added to the library", body=practice.curator_note)
    return practice


@transaction.atomic
def practice_feature(*, actor, practice: Practice, featured: bool = True) -> Practice:
    """Featured practices come first in the library; only approved ones can be featured."""
    practice = _curate(actor, practice)
    if featured and practice.status != Practice.Status.APPROVED:
        raise Conflict("Approve the practice before featuring it.")
    practice.is_featured = featured
    practice.save(update_fields=["is_featured", "updated_at"])
    audit(
        actor=actor,
        action="practice.featured" if featured else "practice.unfeatured",
        summary=f"{'Featured' if featured else 'Unfeatured'} “{practice.title}”",
        obj=practice,
    )
    return practice


@transaction.atomic
def practice_tag(*, actor, practice: Practice, tag_names: Iterable[str]) -> Practice:
    """Set the practice's tags by name; new names become tags."""
    practice = _curate(actor, practice)
    tags = [practice_tag_get_or_create(actor=actor, name=name) for name in tag_names if name.strip()]
    practice.tags.set(tags)
    audit(
        actor=actor,
        action="practice.tagged",
        summary=f"Tagged “{practice.title}”: {', '.join(t.name for t in tags) or 'no tags'}",
        obj=practice,
    )
    return practice


def practice_tag_get_or_create(*, actor, name: str) -> PracticeTag:
    _require(permissions.can_curate_practices(actor), "Only the CoE curates the library.")
    name = " ".join(name.split())[:60]
    slug = slugify(name)[:60]
    if not slug:
        raise DomainError("A tag needs letters or digits.")
    tag = PracticeTag.objects.filter(slug=slug).first()
    return tag or PracticeTag.objects.create(name=name, slug=slug)


def _visible(actor, practice: Practice) -> None:
    if not permissions.practices_visible_to(actor).filter(pk=practice.pk, status=Practice.Status.APPROVED).exists():
        raise Conflict("Only practices in the library can be voted for or adopted.")


@transaction.atomic
def practice_vote(*, actor, practice: Practice) -> bool:
    """One vote per person and practice; voting again changes nothing. True when a vote was added."""
    _require(permissions.can_vote_practice(actor), "You cannot vote.")
    _visible(actor, practice)
    _, created = PracticeVote.objects.get_or_create(practice=practice, user=actor)
    return created


@transaction.atomic
def practice_unvote(*, actor, practice: Practice) -> bool:
    """Take one's vote back. True when there was one."""
    deleted, _ = PracticeVote.objects.filter(practice=practice, user=actor).delete()
    return bool(deleted)


@transaction.atomic
def practice_adopt(
    *, actor, practice: Practice, department: Department | None = None, note: str = ""
) -> PracticeAdoption:
    """Mark "we adopted this" for one of one's own departments — once per department. Someone in
    several departments names which one."""
    _require(permissions.can_adopt_practice(actor), "You cannot mark adoptions.")
    _visible(actor, practice)
    mine = list(actor.departments.all())
    if department is None:
        if len(mine) != 1:
            raise DomainError(
                "Pick the department that adopted it." if mine else "You belong to no department.",
                fields={"department": ["Required."]},
            )
        department = mine[0]
    elif department.pk not in {d.pk for d in mine}:
        raise NotAllowed("You can mark adoptions only for your own departments.")
    if PracticeAdoption.objects.filter(practice=practice, department=department).exists():
        raise Conflict(f"{department} already adopted this practice.")
    try:
        with transaction.atomic():
            adoption = PracticeAdoption.objects.create(
                practice=practice, department=department, adopted_by=_actor(actor), note=note[:300]
            )
    except IntegrityError as race:
        raise Conflict(f"{department} already adopted this practice.") from race
    audit(actor=actor, action="practice.adopted", summary=f"{department} adopted “{practice.title}”", obj=practice)
    return adoption


def _tell_submitter(actor, practice: Practice, title: str, body: str = "") -> None:
    if practice.submitted_by_id is None:
        return
    from coe.services import notify

    notify(
        recipients=[practice.submitted_by],
        kind="practice.curated",
        title=title,
        body=body,
        url=reverse("coe:practice_detail", args=[practice.pk]),
        exclude=_actor(actor),
    )
