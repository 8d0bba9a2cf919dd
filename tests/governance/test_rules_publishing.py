"""The content rules inside publishing: live in the composer's preview, at submission (blocking
rules refuse and change nothing; warnings add a review stage), after an edit of a submitted
post, and again just before sending (a rule added after approval stops the publication). Every
check is kept as a PostRuleCheck."""

# ruff: noqa: F811 - the rules fixtures are imported, then named as test arguments
from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coe.errors import DomainError
from coe.models import Notification
from publishing.models import Post, PostRuleCheck, PostStage, PostTransition, Publication, StageKind
from publishing.services import dispatch, workflow
from tests.governance.rules_fixtures import EXPLANATION, fresh_rules, make_rule  # noqa: F401
from tests.publishing.factories import CampaignFactory, PolicyFactory, StageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def console_in_tmp(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the console channel writes its posts here


@pytest.fixture
def marketing_policy(pub):
    """Marketing: the department lead, then Legal, then the CoE kept informed."""
    policy = PolicyFactory(name="Marketing", department=pub.marketing)
    StageFactory(policy=policy, position=10, name="Department lead", department_lead=True)
    StageFactory(policy=policy, position=20, name="Legal", people=[pub.approver])
    StageFactory(policy=policy, position=30, name="CoE", kind=StageKind.INFORM, people=[pub.member])
    return policy


def stages(post) -> list[tuple[int, str, str]]:
    return [
        (s.position, s.name, s.kind) for s in post.stages.filter(review_round=post.review_round).order_by("position")
    ]


# --- at submission ---------------------------------------------------------------------------------


def test_a_blocked_submission_lists_every_finding_and_changes_nothing(pub, make_post, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]}, name="No hype", clause="§3 Claims")
    make_rule("personal_data", {"detect": ["email"]}, name="No personal data")
    post = make_post(text="A risk‑free deal: write to jane@example.com")
    before = (post.status, post.review_round, PostTransition.objects.filter(post=post).count())
    with pytest.raises(DomainError) as refused:
        workflow.post_submit(actor=pub.liaison_a, post=post)
    error = refused.value
    assert error.code == "content_rules" and error.message.startswith("This post breaks 2 content rules: (1) No hype")
    assert "(2) No personal data: An e-mail address: personal data must not be published." in error.message
    assert error.fields["text"][0] == f"No hype: “risk-free” is a banned term. {EXPLANATION} (see §3 Claims)"
    post.refresh_from_db()
    assert (post.status, post.review_round, PostTransition.objects.filter(post=post).count()) == before
    assert post.status == Post.Status.DRAFT
    assert not PostStage.objects.filter(post=post).exists() and not PostRuleCheck.objects.exists()
    assert set(post.publications.values_list("status", flat=True)) == {Publication.Status.PENDING}


def test_a_warning_adds_its_review_stage_after_the_gating_stages(pub, make_post, make_rule):
    make_rule("regex", {"pattern": r"\bcures?\b"}, name="Health claims", severity="warn", review_people=[pub.legal])
    post = make_post(text="It cures Monday blues")
    outcome = workflow.post_submit(actor=pub.liaison_a, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    assert stages(post) == [(10, "CoE review", "gate"), (15, "Legal", "gate")]
    legal = post.stages.get(name="Legal")
    assert list(legal.people.all()) == [pub.legal] and legal.source == "content rule: Health claims"
    assert outcome.warnings[0] == "Legal reviews this post too: Health claims (a content rule asked for it)."
    check = PostRuleCheck.objects.get(post=post)
    assert check.moment == "submission" and not check.blocked and check.post_version == post.version
    assert check.findings[0]["rule_name"] == "Health claims" and check.findings[0]["matched"] == ["cures"]
    # Legal must approve too: the CoE's approval alone does not approve the post.
    workflow.review_approve(actor=pub.member, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW
    workflow.review_approve(actor=pub.legal, post=post)
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED


def test_a_warning_joins_a_stage_of_the_same_name_and_comes_before_inform_stages(
    pub, make_post, make_rule, marketing_policy
):
    make_rule("banned_term", {"terms": ["lowest prices anywhere"]}, severity="warn", review_people=[pub.legal])
    make_rule("hashtag_limit", {"max": 1}, name="Tags", severity="warn", review_stage_name="Brand")
    post = make_post(text="The lowest prices anywhere! #a #b")
    workflow.post_submit(actor=pub.liaison_a, post=post)
    post.refresh_from_db()
    assert stages(post) == [
        (10, "Department lead", "gate"),
        (20, "Legal", "gate"),
        (25, "Brand", "gate"),
        (30, "CoE", "inform"),
    ]
    legal = post.stages.get(name="Legal")
    assert set(legal.people.all()) == {pub.approver, pub.legal} and "content rule" in legal.source
    brand = post.stages.get(name="Brand")  # nobody named: the CoE managers
    assert brand.group.name == "CoE manager"


def test_nothing_fires_nothing_changes(pub, make_post, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]})
    post = make_post(text="Spring is here", submit=True)
    assert stages(post) == [(10, "CoE review", "gate")]
    assert PostRuleCheck.objects.get(post=post).findings == []


def test_a_sponsored_campaign_needs_its_disclosure_at_submission(pub, make_post, make_rule):
    make_rule("required_disclosure", {"when": "sponsored_campaign", "disclosures": ["#ad", "Sponsored"]})
    giveaway = CampaignFactory(name="Giveaway", is_sponsored=True)
    with pytest.raises(DomainError, match="sponsored campaign must carry a disclosure"):
        make_post(text="Win a kit!", campaign=giveaway, submit=True)
    assert make_post(text="Win a kit! #ad", campaign=giveaway, submit=True).status == Post.Status.IN_REVIEW
    assert make_post(text="Our tips", submit=True).status == Post.Status.IN_REVIEW  # no campaign


def test_rules_scoped_to_a_channel_apply_when_the_post_goes_there(pub, make_post, make_rule):
    make_rule("banned_term", {"terms": ["swipe up"]}, applies_everywhere=False, channels=[pub.instagram])
    assert make_post(text="Swipe up!", channels=[pub.linkedin], submit=True).status == Post.Status.IN_REVIEW
    with pytest.raises(DomainError, match="banned term"):
        make_post(text="Swipe up!", channels=[pub.linkedin, pub.instagram], submit=True)


def test_an_edit_after_submission_is_checked_like_a_submission(pub, make_post, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]})
    make_rule("regex", {"pattern": r"\bcures?\b"}, name="Health", severity="warn", review_people=[pub.legal])
    post = make_post(text="Spring is here", submit=True)
    with pytest.raises(DomainError, match="The changed post breaks 1 content rule"):
        workflow.post_update(actor=pub.liaison_a, post=post, changes={"text": "Spring is risk-free"})
    post.refresh_from_db()
    assert post.text == "Spring is here" and post.version == 1
    workflow.post_update(actor=pub.liaison_a, post=post, changes={"text": "Spring cures all"})
    post.refresh_from_db()
    assert stages(post) == [(10, "CoE review", "gate"), (15, "Legal", "gate")]
    assert list(PostRuleCheck.objects.filter(post=post).values_list("post_version", flat=True)) == [1, 2]


# --- just before publishing ------------------------------------------------------------------------


@pytest.fixture
def approved(pub, make_post):
    """An approved post whose time has come, on the (console) LinkedIn channel."""

    def _approved(text="Our spring range is here"):
        post = make_post(text=text, submit=True)
        workflow.review_approve(actor=pub.member, post=post)
        Publication.objects.filter(post=post).update(scheduled_at=timezone.now() - timedelta(seconds=5))
        return post.publications.get()

    return _approved


def send(publication) -> str:
    assert dispatch.publications_dispatch_due().queued == [publication.pk]
    return dispatch.publication_publish(publication_id=publication.pk, worker="test")


def test_a_rule_added_after_approval_stops_the_publication_at_send_time(pub, approved, make_rule):
    publication = approved("Spring deals, guaranteed returns")
    make_rule("banned_term", {"terms": ["guaranteed returns"]}, name="No promises")
    assert send(publication) == "failed-rules"
    publication.refresh_from_db()
    assert publication.status == Publication.Status.FAILED and not publication.attempt_log.exists()
    assert publication.last_error.startswith("Not published: the post breaks 1 content rule: (1) No promises")
    check = PostRuleCheck.objects.get(post=publication.post, moment="publication")
    assert check.publication == publication and check.blocked
    assert check.findings[0]["matched"] == ["guaranteed returns"]
    told = set(Notification.objects.filter(kind="publication_failed").values_list("recipient__username", flat=True))
    assert {"liaison_a", "manager", "member"} <= told


def test_a_post_the_rules_still_accept_is_sent_and_its_check_kept(pub, approved, make_rule):
    publication = approved()
    make_rule("banned_term", {"terms": ["guaranteed returns"]})
    assert send(publication) == "published"
    moments = list(PostRuleCheck.objects.filter(post=publication.post).values_list("moment", "blocked"))
    assert moments == [("submission", False), ("publication", False)]


def test_a_rule_switched_off_after_submission_no_longer_stops_it(
    pub, approved, make_rule, django_capture_on_commit_callbacks
):
    from governance.services import rules as rule_services

    rule = make_rule("hashtag_limit", {"max": 0}, severity="warn", review_stage_name="CoE review")
    publication = approved("Spring #sale")
    rule_services.rule_update(actor=pub.manager, rule=rule, changes={"severity": "block"})
    assert send(publication) == "failed-rules"
    Publication.objects.filter(pk=publication.pk).update(status=Publication.Status.SCHEDULED)
    rule_services.rule_deactivate(actor=pub.manager, rule=rule)
    assert send(publication) == "published"


# --- the composer's live preview ---------------------------------------------------------------------


def test_the_preview_marks_what_each_rule_found_per_channel(client, pub, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]}, name="No hype", explanation="Say what it does instead.")
    make_rule(
        "banned_term",
        {"terms": ["swipe up"]},
        name="Instagram only",
        applies_everywhere=False,
        channels=[pub.instagram],
    )
    client.force_login(pub.liaison_a)
    response = client.post(
        "/publishing/posts/preview/",
        {"text": "A ｒｉｓｋ\u200d-free <b>deal</b>, swipe up", "channels": [pub.linkedin.pk, pub.instagram.pk]},
        HTTP_HX_REQUEST="true",
    )
    html = response.content.decode()
    cards = {
        card.split("</strong>")[0].rsplit(">", 1)[-1]: card for card in html.split('data-testid="preview-console"')[1:]
    }
    linkedin, instagram = cards["Marketing LinkedIn"], cards["Marketing Instagram"]
    assert "ｒｉｓｋ\u200d-free</mark>" in linkedin and 'data-severity="block"' in linkedin
    assert "Say what it does instead." in linkedin and "✖ Blocks submission" in linkedin
    assert "&lt;b&gt;deal&lt;/b&gt;" in linkedin and "swipe up</mark>" not in linkedin
    assert "swipe up</mark>" in instagram and "Ready for" not in instagram


def test_the_preview_marks_the_posts_link_and_knows_the_campaign(client, pub, make_rule):
    make_rule("link_domains", {"mode": "deny", "domains": ["bit.ly"]}, name="No shorteners")
    make_rule("required_disclosure", {"when": "sponsored_campaign", "disclosures": ["#ad"]}, name="Disclose")
    giveaway = CampaignFactory(name="Giveaway", is_sponsored=True)
    client.force_login(pub.liaison_a)
    html = client.post(
        "/publishing/posts/preview/",
        {"text": "Win!", "link": "https://bit.ly/x", "channels": [pub.linkedin.pk], "campaign": giveaway.pk},
    ).content.decode()
    assert "https://bit.ly/x</mark>" in html and "must carry a disclosure" in html


def test_the_compose_page_refuses_a_blocked_submission_and_keeps_the_draft(client, pub, later, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]}, name="No hype")
    client.force_login(pub.liaison_a)
    response = client.post(
        "/publishing/posts/new/",
        {
            "text": "Totally risk-free",
            "channels": [pub.linkedin.pk],
            "scheduled_at": timezone.localtime(later).strftime("%Y-%m-%dT%H:%M"),
            "submit": "1",
        },
        follow=True,
    )
    post = Post.objects.get()
    assert post.status == Post.Status.DRAFT
    html = response.content.decode()
    assert "Saved as a draft, but not submitted: This post breaks 1 content rule" in html
    assert "risk-free</mark>" in html  # the edit page's preview marks it


def test_the_api_refuses_a_blocked_submission_with_the_shared_error_shape(api_as, pub, make_post, make_rule):
    make_rule("banned_term", {"terms": ["risk-free"]}, name="No hype")
    post = make_post(text="Totally risk-free")
    response = api_as(pub.liaison_a).post(f"/api/v1/posts/{post.pk}/submit/")
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["code"] == "content_rules" and error["fields"]["text"][0].startswith("No hype:")
