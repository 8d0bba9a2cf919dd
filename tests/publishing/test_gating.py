"""Certification-gated publishing: a channel that requires a certification track and the current
social media policy takes submissions only from people who hold both (CoE staff too). The right is
read live, so it lapses the moment a certificate expires or is revoked; posts already approved
are not touched. The compose page says per channel exactly what is missing and links to it."""

# The crisis fixtures are imported (pytest finds them by name); ruff sees their names reused.
# ruff: noqa: F811

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from coe.errors import NotAllowed
from governance.models import AuditEntry
from governance.services import policies as policy_services
from publishing.models import Post, Publication
from publishing.services import crisis as crisis_services
from publishing.services import dispatch, eligibility, workflow
from tests.governance.crisis_fixtures import crisis  # noqa: F401 - fixture
from tests.governance.policy_helpers import make_policy
from tests.training.assignment_helpers import certificate
from tests.training.quiz_helpers import make_module, make_track
from training.models import Certificate
from training.services import certification as certification_services

DAY = timedelta(days=1)


@pytest.fixture
def gated(pub):
    """Customer Service's Support X requires the Social Publisher track and the social media
    policy (v1, published)."""
    track = make_track("Social Publisher", [make_module("Account set-up"), make_module("Brand voice")])
    policy = make_policy(pub.member, publish_as=pub.manager, now=timezone.now() - 30 * DAY)
    pub.support.required_track = track
    pub.support.requires_policy_acknowledgment = True
    pub.support.save()
    return track, policy


def _accept(person, policy) -> None:
    policy_services.acknowledgment_record(actor=person, version=policy.current_version)


def _draft(make_post, author, channel):
    return make_post(author=author, channels=[channel], text="Tip: reset your password from the sign-in page.")


def test_without_the_certificate_a_liaison_cannot_submit(pub, gated, make_post):
    track, policy = gated
    _accept(pub.liaison_b, policy)
    post = _draft(make_post, pub.liaison_b, pub.support)  # a draft may use the channel
    with pytest.raises(NotAllowed) as refused:
        workflow.post_submit(actor=pub.liaison_b, post=post)
    assert refused.value.message == "You need a valid Social Publisher certificate to post on Support X."
    assert refused.value.code == "certification_required"
    assert track.get_absolute_url() in refused.value.fields["channels"][0]
    post.refresh_from_db()
    assert post.status == Post.Status.DRAFT


def test_without_the_policy_a_liaison_cannot_submit(pub, gated, make_post):
    track, policy = gated
    certificate(pub.liaison_b, track)
    post = _draft(make_post, pub.liaison_b, pub.support)
    with pytest.raises(NotAllowed) as refused:
        workflow.post_submit(actor=pub.liaison_b, post=post)
    assert refused.value.message == "You need to accept the current social media policy (v1) to post on Support X."
    assert policy.get_absolute_url() in refused.value.fields["channels"][0]


def test_both_missing_are_said_at_once(pub, gated, make_post):
    post = _draft(make_post, pub.liaison_b, pub.support)
    with pytest.raises(NotAllowed) as refused:
        workflow.post_submit(actor=pub.liaison_b, post=post)
    assert len(refused.value.fields["channels"]) == 2


def test_with_both_the_post_goes_to_review(pub, gated, make_post):
    track, policy = gated
    certificate(pub.liaison_b, track)
    _accept(pub.liaison_b, policy)
    post = _draft(make_post, pub.liaison_b, pub.support)
    workflow.post_submit(actor=pub.liaison_b, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW


def test_the_requirement_applies_to_coe_staff_too(pub, gated, make_post):
    track, policy = gated
    _accept(pub.manager, policy)
    post = _draft(make_post, pub.manager, pub.support)
    with pytest.raises(NotAllowed, match="Social Publisher certificate"):
        workflow.post_submit(actor=pub.manager, post=post)


def test_channels_without_requirements_are_not_gated(pub, gated, make_post):
    post = make_post(author=pub.liaison_a, channels=[pub.linkedin], submit=True)
    assert post.status == Post.Status.IN_REVIEW
    assert eligibility.missing_for(user=pub.liaison_a, channels=[pub.linkedin, pub.instagram]) == []


def test_the_right_lapses_when_the_certificate_expires_or_is_revoked(pub, gated, make_post):
    track, policy = gated
    _accept(pub.liaison_b, policy)
    held = certificate(pub.liaison_b, track, expires_in_days=2)
    first = _draft(make_post, pub.liaison_b, pub.support)
    workflow.post_submit(actor=pub.liaison_b, post=first)
    # Three days on the certificate has expired, before the sweep as after it.
    Certificate.objects.filter(pk=held.pk).update(expires_at=timezone.now() - DAY)
    second = make_post(author=pub.liaison_b, channels=[pub.support], text="Our support hours over the holidays.")
    with pytest.raises(NotAllowed, match=r"Your Social Publisher certificate expired on .*; renew it"):
        workflow.post_submit(actor=pub.liaison_b, post=second)
    certification_services.certificates_expire()
    with pytest.raises(NotAllowed, match="expired"):
        workflow.post_submit(actor=pub.liaison_b, post=second)
    # A new certificate, then revoked by the CoE: lapses the same way.
    renewed = certificate(pub.liaison_b, track)
    workflow.post_submit(actor=pub.liaison_b, post=second)
    certification_services.certificate_revoke(actor=pub.manager, certificate=renewed, reason="Shared the password.")
    third = make_post(author=pub.liaison_b, channels=[pub.support], text="Planned maintenance tonight.")
    with pytest.raises(NotAllowed, match="was revoked; earn it again"):
        workflow.post_submit(actor=pub.liaison_b, post=third)


def test_approved_posts_are_not_touched_when_the_certificate_expires(pub, gated, make_post):
    track, policy = gated
    _accept(pub.liaison_b, policy)
    held = certificate(pub.liaison_b, track, expires_in_days=1)
    post = make_post(author=pub.liaison_b, channels=[pub.support], submit=True, text="Our new help centre is live.")
    workflow.review_approve(actor=pub.member, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    Certificate.objects.filter(pk=held.pk).update(expires_at=timezone.now() - DAY)
    assert certification_services.certificates_expire() == 1
    post.refresh_from_db()
    publication = post.publications.get()
    assert post.status == Post.Status.APPROVED and publication.status == Publication.Status.SCHEDULED
    # …and it goes out as approved.
    Publication.objects.filter(pk=publication.pk).update(status=Publication.Status.QUEUED, queued_at=timezone.now())
    assert dispatch.publication_publish(publication_id=publication.pk, worker="test") == "published"


def test_adding_a_gated_channel_to_a_submitted_post_is_refused(pub, gated, make_post):
    track, policy = gated
    pub.marketing_lead.departments.add(pub.service)  # a liaison of both departments
    pub.liaison_a.departments.add(pub.service)
    post = make_post(author=pub.liaison_a, channels=[pub.linkedin], submit=True)
    with pytest.raises(NotAllowed, match="Social Publisher certificate to post on Support X"):
        workflow.post_update(actor=pub.liaison_a, post=post, changes={"channels": [pub.linkedin, pub.support]})
    post.refresh_from_db()
    assert list(post.channels.all()) == [pub.linkedin]
    # A draft may carry it (they prepare while they earn the certificate).
    draft = make_post(author=pub.liaison_a, channels=[pub.linkedin])
    workflow.post_update(actor=pub.liaison_a, post=draft, changes={"channels": [pub.linkedin, pub.support]})
    assert set(draft.channels.all()) == {pub.linkedin, pub.support}


def test_crisis_statements_are_exempt(crisis, gated):
    incident = crisis.declare(channels=[crisis.support])
    outcome = crisis_services.crisis_statement_create(
        actor=crisis.pr_lead, incident=incident, text="We know sign-in is slow since 08:05.", channels=[crisis.support]
    )
    assert outcome.post.status == Post.Status.IN_REVIEW


# --- the compose page -----------------------------------------------------------------------------


def test_the_compose_page_says_what_is_missing_and_links_to_it(client, pub, gated):
    track, policy = gated
    client.force_login(pub.liaison_b)
    page = client.get(reverse("publishing:post_create"))  # Support X is their only channel: chosen
    html = page.content.decode()
    assert 'data-testid="submission-requirements"' in html
    assert "You need a valid Social Publisher certificate to post on Support X." in html
    assert f'href="{track.get_absolute_url()}"' in html
    assert "You need to accept the current social media policy (v1) to post on Support X." in html
    assert f'href="{policy.get_absolute_url()}"' in html
    assert "Ready for" not in html


def test_the_live_preview_updates_when_the_person_qualifies(client, pub, gated):
    track, policy = gated
    client.force_login(pub.liaison_b)
    data = {"text": "Hello", "channels": [pub.support.pk]}
    first = client.post(reverse("publishing:post_preview"), data, HTTP_HX_REQUEST="true").content.decode()
    assert 'data-testid="missing-certificate"' in first and 'data-testid="missing-policy"' in first
    certificate(pub.liaison_b, track)
    _accept(pub.liaison_b, policy)
    after = client.post(reverse("publishing:post_preview"), data, HTTP_HX_REQUEST="true").content.decode()
    assert "submission-requirements" not in after and "Ready for" in after


def test_submitting_from_the_compose_page_is_refused_with_the_same_message(client, pub, gated):
    track, policy = gated
    _accept(pub.liaison_b, policy)
    client.force_login(pub.liaison_b)
    later = (timezone.localtime() + 3 * DAY).strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("publishing:post_create"),
        {"text": "Tip: reset your password.", "channels": [pub.support.pk], "scheduled_at": later, "submit": "1"},
        follow=True,
    )
    html = response.content.decode()
    assert (
        "Saved as a draft, but not submitted: You need a valid Social Publisher certificate to post on Support X."
        in html
    )
    assert Post.objects.get().status == Post.Status.DRAFT


# --- the channel's settings -------------------------------------------------------------------------


def test_the_coe_sets_the_requirements_on_the_channel_form_and_it_is_audited(client, pub, gated):
    track, policy = gated
    client.force_login(pub.manager)
    url = reverse("publishing:channel_edit", args=[pub.linkedin.pk])
    form = client.get(url).content.decode()
    assert "Certification needed to submit" in form and "Social Publisher" in form
    response = client.post(
        url,
        {
            "name": pub.linkedin.name,
            "network": "console",
            "handle": pub.linkedin.handle,
            "department": pub.marketing.pk,
            "time_zone": "UTC",
            "is_active": "on",
            "required_track": track.pk,
            "requires_policy_acknowledgment": "on",
        },
    )
    assert response.status_code == 302
    pub.linkedin.refresh_from_db()
    assert pub.linkedin.required_track == track and pub.linkedin.requires_policy_acknowledgment
    entry = AuditEntry.objects.filter(action="channel.changed").latest("pk")
    assert "required_track" in entry.data["fields"]
    detail = client.get(reverse("publishing:channel_detail", args=[pub.linkedin.pk])).content.decode()
    assert "Social Publisher</a> certificate and the current social media policy accepted" in detail


def test_the_requirements_over_the_api(api_as, pub, gated):
    track, policy = gated
    response = api_as(pub.manager).patch(
        f"/api/v1/channels/{pub.instagram.pk}/",
        {"required_track": track.slug, "requires_policy_acknowledgment": True},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["required_track"] == "social-publisher"
    assert response.json()["requires_policy_acknowledgment"] is True
    refused = api_as(pub.manager).patch(
        f"/api/v1/channels/{pub.instagram.pk}/", {"required_track": "no-such-track"}, format="json"
    )
    assert refused.status_code == 400
    liaison = api_as(pub.liaison_a).patch(
        f"/api/v1/channels/{pub.instagram.pk}/", {"required_track": None}, format="json"
    )
    assert liaison.status_code in {403, 404}


def test_submitting_over_the_api_is_refused_with_the_message(api_as, pub, gated, make_post):
    post = _draft(make_post, pub.liaison_b, pub.support)
    response = api_as(pub.liaison_b).post(f"/api/v1/posts/{post.pk}/submit/")
    assert response.status_code == 403
    body = response.json()["error"]
    assert body["code"] == "certification_required"
    assert body["message"].startswith("You need a valid Social Publisher certificate to post on Support X.")
    assert any("/training/tracks/social-publisher/" in line for line in body["fields"]["channels"])
