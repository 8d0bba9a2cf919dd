"""A liaison without certification, in a real browser: the demo's Customer Service liaison opens
the compose page, picks the support channel that requires the Social Publisher track, and is told
exactly what is missing and where to get it before submitting; submitting anyway is refused with
the same words and the post stays a draft. Then My learning shows him the track to take."""

import pytest
from playwright.sync_api import expect

from coe.models import User
from publishing.models import Channel, Post

pytestmark = pytest.mark.browser

MISSING = "You need a valid Social Publisher certificate to post on Acme Support on X."


def test_a_liaison_without_certification_is_told_why_they_cannot_submit(
    page, live_server, demo_company, sign_in, screenshot
):
    gated = Channel.objects.get(name="Acme Support on X")
    assert gated.required_track.slug == "social-publisher" and gated.requires_policy_acknowledgment

    sign_in("liaison_cs")
    page.get_by_role("link", name="Posts", exact=True).click()
    page.goto(f"{live_server.url}/publishing/posts/new/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Write a post")
    # The channel says what it needs before anyone picks it.
    support = page.get_by_label("Acme Support on X", exact=False)
    expect(page.locator("label", has_text="Acme Support on X")).to_contain_text("needs a Social Publisher certificate")

    page.get_by_label("Text").fill("Tip: change the e-mail address we write to under Settings → Profile.")
    support.check()
    requirements = page.get_by_test_id("submission-requirements")
    expect(requirements).to_contain_text(MISSING)
    # He accepted the current social media policy (the demo's v2), so only the certificate is missing.
    expect(page.get_by_test_id("missing-policy")).to_have_count(0)
    link = requirements.get_by_role("link", name="Earn the Social Publisher certificate")
    expect(link).to_have_attribute("href", "/training/tracks/social-publisher/")
    screenshot("gating-1-compose-missing-certificate")

    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("alert").filter(has_text="not submitted")).to_contain_text(
        f"Saved as a draft, but not submitted: {MISSING}"
    )
    screenshot("gating-2-submit-refused")
    carlos = User.objects.get(username="liaison_cs")
    draft = Post.objects.filter(author=carlos, text__startswith="Tip: change the e-mail address").latest("pk")
    assert draft.status == Post.Status.DRAFT
    # The draft's page still says what is missing, with the way to get it.
    expect(page.get_by_test_id("submission-requirements")).to_contain_text(MISSING)

    page.get_by_test_id("submission-requirements").get_by_role(
        "link", name="Earn the Social Publisher certificate"
    ).click()
    expect(page).to_have_url(f"{live_server.url}/training/tracks/social-publisher/")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Social Publisher")
    screenshot("gating-3-the-track")

    page.get_by_role("link", name="Training", exact=True).click()
    assigned = page.get_by_test_id("assigned")
    expect(assigned.get_by_test_id("assigned-item").filter(has_text="Social Publisher")).to_have_count(1)
    screenshot("gating-4-my-learning")
