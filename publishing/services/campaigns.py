"""Campaigns and content themes: what posts are about. The CoE keeps the lists; everyone who
writes or reviews posts picks from them."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils.text import slugify

from coe.errors import DomainError, NotAllowed
from publishing import permissions
from publishing.models import Campaign, ContentTheme

CAMPAIGN_FIELDS = frozenset({"name", "department", "is_sponsored", "starts_on", "ends_on", "description", "is_active"})
THEME_FIELDS = frozenset({"name"})


def _refuse_unknown(fields: Mapping[str, Any], allowed: frozenset[str]) -> None:
    unknown = sorted(set(fields) - allowed)
    if unknown:
        raise DomainError(
            f"These cannot be set: {', '.join(unknown)}.",
            code="invalid",
            fields={name: ["Unknown or not editable."] for name in unknown},
        )


def _clean_name(model: type[models.Model], row: models.Model, name: Any, what: str) -> str:
    """A name is required and unique whatever its case: “Spring launch” and “spring Launch” would
    be the same campaign to the people picking one."""
    name = " ".join(str(name or "").split())
    if not name:
        raise DomainError(f"Give the {what} a name.", code="invalid", fields={"name": ["This field is required."]})
    clash = model.objects.filter(name__iexact=name).exclude(pk=row.pk).first()
    if clash is not None:
        message = f"A {what} named “{clash.name}” already exists; pick another name or edit that one."
        raise DomainError(message, code="duplicate_name", fields={"name": [message]})
    return name


def _unique_slug(model: type[models.Model], name: str, fallback: str) -> str:
    """The slug follows the name at creation (“Spring launch!” → spring-launch), made unique with a
    counter; it then stays put, so addresses and exports that use it keep working after a rename."""
    max_length = model._meta.get_field("slug").max_length
    base = (slugify(name) or fallback)[: max_length - 4].strip("-") or fallback
    slug, counter = base, 2
    while model.objects.filter(slug=slug).exists():
        slug, counter = f"{base}-{counter}", counter + 1
    return slug


def _locked(model: type[models.Model], row: models.Model) -> models.Model:
    """The row the caller holds (so it sees the change), with its database row locked: two
    edits of one campaign never interleave."""
    if not model.objects.select_for_update().filter(pk=row.pk).exists():
        raise DomainError(f"This {model._meta.verbose_name} no longer exists.", code="not_found")
    return row


def _full_clean(row: models.Model) -> None:
    try:
        # Names and slugs were checked above (names case-insensitively, with a clearer message).
        row.full_clean(validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        fields = exc.message_dict
        raise DomainError(next(iter(fields.values()))[0], code="invalid", fields=fields) from exc


# --- campaigns ----------------------------------------------------------------------------------


@transaction.atomic
def campaign_save(*, actor, campaign: Campaign | None = None, fields: Mapping[str, Any]) -> Campaign:
    """Create a campaign (``campaign=None``) or change one. CoE staff only; names are unique
    whatever their case; the slug is made from the name when the campaign is created. Archiving is
    ``is_active=False``: the campaign stays on its posts but is no longer offered for new ones."""
    if not permissions.can_manage_campaigns(actor):
        raise NotAllowed("Only the CoE team creates and edits campaigns; ask a CoE member to add the one you need.")
    _refuse_unknown(fields, CAMPAIGN_FIELDS)
    row = _locked(Campaign, campaign) if campaign is not None else Campaign()
    if campaign is None or "name" in fields:
        row.name = _clean_name(Campaign, row, fields.get("name", row.name), "campaign")
    for name, value in fields.items():
        if name != "name":
            setattr(row, name, value.strip() if isinstance(value, str) else value)
    if row.pk is None:
        row.slug = _unique_slug(Campaign, row.name, "campaign")
    _full_clean(row)
    row.save()
    return row


@transaction.atomic
def campaign_delete(*, actor, campaign: Campaign) -> None:
    """Delete a campaign created by mistake. One that posts use is archived instead: deleting it
    would silently take it off those posts and out of the reports."""
    if not permissions.can_delete_campaign(actor):
        raise NotAllowed("Only the CoE team deletes campaigns.")
    used = campaign.posts.count()
    if used:
        raise DomainError(
            f"“{campaign}” is used by {used} post{'s' if used != 1 else ''}, so it cannot be deleted. "
            "Archive it instead (untick “Active”): its posts keep it, new posts cannot choose it.",
            code="in_use",
        )
    campaign.delete()


# --- content themes -----------------------------------------------------------------------------


@transaction.atomic
def theme_save(*, actor, theme: ContentTheme | None = None, fields: Mapping[str, Any]) -> ContentTheme:
    """Create a content theme (``theme=None``) or rename one. CoE staff only; names are unique
    whatever their case; the slug is made from the name when the theme is created."""
    if not permissions.can_manage_themes(actor):
        raise NotAllowed("Only the CoE team creates and edits content themes; ask a CoE member.")
    _refuse_unknown(fields, THEME_FIELDS)
    row = _locked(ContentTheme, theme) if theme is not None else ContentTheme()
    row.name = _clean_name(ContentTheme, row, fields.get("name", row.name), "content theme")
    if row.pk is None:
        row.slug = _unique_slug(ContentTheme, row.name, "theme")
    _full_clean(row)
    row.save()
    return row


@transaction.atomic
def theme_delete(*, actor, theme: ContentTheme) -> None:
    """Delete a theme no post uses; one in use is renamed (or kept) instead."""
    if not permissions.can_delete_theme(actor):
        raise NotAllowed("Only the CoE team deletes content themes.")
    used = theme.posts.count()
    if used:
        raise DomainError(
            f"“{theme}” is used by {used} post{'s' if used != 1 else ''}, so it cannot be deleted. "
            "Rename it if the wording is wrong.",
            code="in_use",
        )
    theme.delete()
