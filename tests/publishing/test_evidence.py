"""The evidence pack of a published post: the approved text and its hash, approvals by stage, the
author's acknowledged policy version, rule checks, where it went out — for the CoE only."""

from __future__ import annotations

import hashlib
import json
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from coe.roles import Role
from governance.models import Acknowledgment, AuditEntry, Policy, PolicyCategory, PolicyVersion
from governance.services.rules import rule_create
from publishing.models import Post, Publication
from publishing.services import dispatch, evidence, workflow

TEXT = "Our spring range is here #spring #new"


@pytest.fixture(autouse=True)
def console_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the console channel writes its posts here


@pytest.fixture
def published(pub, make_post):
    """A post the liaison wrote after acknowledging the social media policy v2, approved by the
    CoE, checked by the rules, and sent on its channel."""
    policy = Policy.objects.create(
        title="Social media policy", slug="social-media", category=PolicyCategory.SOCIAL_MEDIA
    )
    v1 = PolicyVersion.objects.create(policy=policy, number=1, body="Be kind.", status=PolicyVersion.Status.RETIRED)
    v2 = PolicyVersion.objects.create(policy=policy, number=2, body="Be kind. Disclose.", status="published")
    long_ago = timezone.now() - timedelta(days=30)
    Acknowledgment.objects.create(user=pub.liaison_a, version=v1, acknowledged_at=long_ago)
    Acknowledgment.objects.create(user=pub.liaison_a, version=v2, acknowledged_at=long_ago + timedelta(days=1))
    rule_create(
        actor=pub.manager,
        fields={
            "name": "One hashtag",
            "kind": "hashtag_limit",
            "severity": "warn",
            "config": {"max": 1},
            "explanation": "More than one hashtag reads as spam.",
            "review_stage_name": "CoE review",  # joins the CoE's stage
            "review_group": Group.objects.get(name=Role.COE_MEMBER.group_name),
        },
    )
    post = make_post(text=TEXT, link="https://acme.example/spring", submit=True)
    workflow.review_approve(actor=pub.member, post=post, comment="Looks right")
    Publication.objects.filter(post=post).update(scheduled_at=timezone.now() - timedelta(seconds=1))
    for pk in dispatch.publications_dispatch_due().queued:
        assert dispatch.publication_publish(publication_id=pk) == "published"
    post.refresh_from_db()
    return post


def test_the_pack_holds_the_approved_text_its_hash_and_who_approved_it(pub, published):
    pack = evidence.post_evidence_pack(actor=pub.manager, post=published).data
    assert pack["approved_content"]["text"] == TEXT
    assert pack["approved_content"]["text_sha256"] == hashlib.sha256(TEXT.encode()).hexdigest()
    [stage] = pack["approvals"]
    assert stage["stage"] == "CoE review"
    assert [(d["decision"], d["by"], d["comment"]) for d in stage["decisions"]] == [
        ("approve", str(pub.member), "Looks right")
    ]
    assert pack["author_acknowledged_policy"]["version"] == 2
    submission, publication = pack["rule_checks"]
    assert submission["moment"] == "submission" and publication["moment"] == "publication"
    assert publication["channel"] == str(pub.linkedin)
    assert [f["rule_name"] for f in submission["findings"]] == ["One hashtag"]
    assert submission["findings"][0]["matched"] == ["#new"]  # the one over the limit
    assert [p["status"] for p in pack["publications"]] == ["published"]
    assert [step["action"] for step in pack["timeline"]][:3] == ["created", "submitted", "approved"]
    body = {key: value for key, value in pack.items() if key != "pack_sha256"}
    assert (
        pack["pack_sha256"] == hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
    )
    assert AuditEntry.objects.filter(action="post.evidence_exported", object_id=str(published.pk)).exists()


def test_a_policy_acknowledged_only_after_submission_does_not_count(pub, make_post):
    policy = Policy.objects.create(title="Social media policy", slug="smp", category=PolicyCategory.SOCIAL_MEDIA)
    version = PolicyVersion.objects.create(policy=policy, number=1, body="Be kind.", status="published")
    post = make_post(submit=True)
    Acknowledgment.objects.create(user=pub.liaison_a, version=version, acknowledged_at=timezone.now() + timedelta(1))
    assert evidence._acknowledged_policy(post) is None


def test_only_a_published_post_has_a_pack(pub, make_post):
    post = make_post(submit=True)
    with pytest.raises(evidence.Conflict):
        evidence.post_evidence_pack(actor=pub.manager, post=post)


def test_the_page_and_json_are_the_coes(client, pub, published):
    client.force_login(pub.liaison_a)
    assert client.get(f"/publishing/posts/{published.pk}/evidence/").status_code == 403
    assert "Evidence pack" not in client.get(published.get_absolute_url()).content.decode()
    client.force_login(pub.member)
    assert "Evidence pack" in client.get(published.get_absolute_url()).content.decode()
    page = client.get(f"/publishing/posts/{published.pk}/evidence/").content.decode()
    assert "Our spring range is here" in page and str(pub.member) in page and "One hashtag" in page
    download = client.get(f"/publishing/posts/{published.pk}/evidence/", {"format": "json"})
    assert download["Content-Disposition"] == f'attachment; filename="evidence-post-{published.pk}.json"'
    assert json.loads(download.content)["post"]["id"] == published.pk


def test_a_draft_sends_you_back_with_a_message(client, pub, make_post):
    post = make_post()
    client.force_login(pub.member)
    response = client.get(f"/publishing/posts/{post.pk}/evidence/", follow=True)
    assert "has not gone out" in response.content.decode()


def test_the_api_gives_the_same_pack(api_as, pub, published):
    response = api_as(pub.member).get(f"/api/v1/posts/{published.pk}/evidence/")
    assert response.status_code == 200 and response.json()["approved_content"]["text"] == TEXT
    refused = api_as(pub.liaison_a).get(f"/api/v1/posts/{published.pk}/evidence/")
    assert refused.status_code == 403 and refused.json()["error"]["code"] == "permission_denied"
    draft = Post.objects.create(author=pub.liaison_a, department=pub.marketing, text="x")
    assert api_as(pub.member).get(f"/api/v1/posts/{draft.pk}/evidence/").json()["error"]["code"] == "not_published"
