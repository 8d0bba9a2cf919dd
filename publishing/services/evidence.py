"""The evidence pack of a published post: what a regulator, an auditor or Legal asks for after the
fact. The exact text that was approved (and its SHA-256), who approved it at which stage and
when, the social media policy version the author had acknowledged when it was submitted, the
content-rule results at submission and before each channel went out, where and when it was
published, and the post's whole timeline. It is assembled from the records as they are; nothing
here changes anything but the audit trail, which notes the export."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from django.conf import settings
from django.utils import timezone

from coe.audit import audit
from coe.errors import Conflict, NotAllowed
from governance.models import Acknowledgment, PolicyCategory
from publishing import permissions
from publishing.models import Post, PostRevision, PostRuleCheck, Publication, Review

FORMAT = "coe-hub-evidence/1"


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value else None


def _file_sha256(field) -> str | None:
    try:
        with field.open("rb") as handle:
            digest = hashlib.sha256()
            for chunk in iter(lambda: handle.read(1 << 16), b""):
                digest.update(chunk)
            return digest.hexdigest()
    except (OSError, ValueError):
        return None


def _acknowledged_policy(post: Post) -> dict[str, Any] | None:
    """The newest social media policy version the author had acknowledged by the submission."""
    moment = post.submitted_at or post.created_at
    acknowledgment = (
        Acknowledgment.objects.filter(
            user_id=post.author_id,
            version__policy__category=PolicyCategory.SOCIAL_MEDIA,
            acknowledged_at__lte=moment,
        )
        .select_related("version__policy")
        .order_by("-acknowledged_at")
        .first()
    )
    if acknowledgment is None:
        return None
    version = acknowledgment.version
    return {
        "policy": version.policy.title,
        "version": version.number,
        "effective_on": version.effective_on.isoformat(),
        "acknowledged_at": _iso(acknowledgment.acknowledged_at),
        "text_sha256": sha256(version.body),
    }


@dataclass(frozen=True)
class EvidencePack:
    post: Post
    data: dict[str, Any]

    @property
    def json(self) -> str:
        return json.dumps(self.data, indent=2, ensure_ascii=False, sort_keys=False)

    @property
    def filename(self) -> str:
        return f"evidence-post-{self.post.pk}.json"


def post_evidence_pack(*, actor, post: Post) -> EvidencePack:
    """Assemble the pack of a post that went out on at least one channel (CoE staff only)."""
    if not permissions.can_export_evidence(actor, post):
        raise NotAllowed("Only the CoE exports evidence packs.")
    publications = list(post.publications.select_related("channel").order_by("channel__name"))
    published = [p for p in publications if p.status == Publication.Status.PUBLISHED]
    if not published:
        raise Conflict("An evidence pack is for a published post; this one has not gone out.", code="not_published")
    approved = PostRevision.objects.filter(post=post, version=post.version).first()
    text, link = (approved.text, approved.link) if approved else (post.text, post.link)
    reviews = (
        Review.objects.filter(post=post, stage__review_round=post.review_round)
        .select_related("stage", "reviewer", "on_behalf_of")
        .order_by("created_at", "id")
    )
    stages = post.stages.filter(review_round=post.review_round).order_by("position", "id")
    checks = PostRuleCheck.objects.filter(post=post).select_related("publication__channel").order_by("checked_at")
    data = {
        "format": FORMAT,
        "generated_at": _iso(timezone.now()),
        "generated_by": str(actor),
        "site": settings.SITE_URL,
        "post": {
            "id": post.pk,
            "department": str(post.department),
            "author": str(post.author),
            "campaign": str(post.campaign) if post.campaign_id else None,
            "sponsored": bool(post.campaign_id and post.campaign.is_sponsored),
            "version": post.version,
            "submitted_at": _iso(post.submitted_at),
            "approved_at": _iso(post.approved_at),
        },
        "approved_content": {
            "text": text,
            "link": link,
            "text_sha256": sha256(text),
            "content_sha256": sha256(f"{text}\n{link}"),
            "media": [
                {"name": item.file.name, "alt_text": item.alt_text, "sha256": _file_sha256(item.file)}
                for item in post.media.all()
            ],
        },
        "approvals": [
            {
                "stage": stage.name,
                "kind": stage.kind,
                "status": stage.status,
                "decisions": [
                    {
                        "decision": review.decision,
                        "by": review.who,
                        "on_behalf_of": str(review.on_behalf_of) if review.on_behalf_of_id else None,
                        "at": _iso(review.created_at),
                        "comment": review.comment,
                        "post_version": review.post_version,
                    }
                    for review in reviews
                    if review.stage_id == stage.pk
                ],
            }
            for stage in stages
        ],
        "author_acknowledged_policy": _acknowledged_policy(post),
        "rule_checks": [
            {
                "moment": check.moment,
                "channel": str(check.publication.channel) if check.publication_id else None,
                "at": _iso(check.checked_at),
                "post_version": check.post_version,
                "blocked": check.blocked,
                "findings": check.findings,
            }
            for check in checks
        ],
        "publications": [
            {
                "channel": str(publication.channel),
                "network": publication.channel.network,
                "status": publication.status,
                "published_at": _iso(publication.published_at),
                "external_id": publication.external_id,
                "external_url": publication.external_url,
                "idempotency_key": str(publication.idempotency_key),
            }
            for publication in publications
        ],
        "timeline": [
            {
                "at": _iso(step.created_at),
                "who": step.who,
                "action": step.action,
                "from": step.from_status,
                "to": step.to_status,
                "comment": step.comment,
            }
            for step in post.transitions.select_related("actor").order_by("created_at", "id")
        ],
    }
    data["pack_sha256"] = sha256(json.dumps(data, sort_keys=True, ensure_ascii=False))
    audit(
        actor=actor,
        action="post.evidence_exported",
        obj=post,
        summary=f"Evidence pack of post #{post.pk} exported.",
        data={"pack_sha256": data["pack_sha256"]},
    )
    return EvidencePack(post=post, data=data)
