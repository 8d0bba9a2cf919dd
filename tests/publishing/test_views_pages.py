"""The publishing pages: compose, detail, review queue, calendar (events, drag, feed, export,
import), channels and the pause switch, policies, outside review, media — who may and may not,
and query counts that stay flat as posts grow."""

import io
import re
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from PIL import Image

from coe.models import Notification
from publishing.models import CalendarFeed, Post, PostStage, Publication, StageKind
from publishing.services import workflow
from publishing.services.routes import external_review_token
from tests.publishing.factories import PolicyFactory, StageFactory

pytestmark = pytest.mark.django_db


def png(name="pic.png", size=(40, 30)) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, "orange").save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def local(moment) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- compose ------------------------------------------------------------------------------------


def test_compose_offers_only_the_liaisons_own_channels(client, pub):
    client.force_login(pub.liaison_a)
    html = client.get("/publishing/posts/new/").content.decode()
    assert "Marketing LinkedIn" in html and "Support X" not in html
    client.force_login(pub.employee)
    assert client.get("/publishing/posts/new/").status_code == 403


def test_compose_saves_a_draft_with_an_image_then_submits(client, pub, later):
    client.force_login(pub.liaison_a)
    form = {
        "text": "Hello",
        "channels": [pub.linkedin.pk],
        "scheduled_at": local(later),
        "image_1": png(),
        "alt_1": "An orange square",
        "save": "1",
    }
    response = client.post("/publishing/posts/new/", form)
    post = Post.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/publishing/posts/{post.pk}/"
    assert post.status == Post.Status.DRAFT and post.media.get().alt_text == "An orange square"
    assert abs(post.scheduled_at - later) < timedelta(minutes=1)
    response = client.post("/publishing/posts/new/", {**form, "text": "Second", "image_1": png(), "submit": "1"})
    assert Post.objects.get(text="Second").status == Post.Status.IN_REVIEW


def test_compose_refuses_a_non_image_and_keeps_nothing(client, pub, later):
    client.force_login(pub.liaison_a)
    fake = SimpleUploadedFile("evil.png", b"not really an image", content_type="image/png")
    response = client.post(
        "/publishing/posts/new/",
        {"text": "Hi", "channels": [pub.linkedin.pk], "image_1": fake, "scheduled_at": local(later)},
    )
    assert response.status_code == 200
    assert "Upload a valid image" in response.content.decode() or "not an image" in response.content.decode()
    assert not Post.objects.exists()


def test_compose_without_a_channel_shows_the_error_next_to_the_field(client, pub):
    client.force_login(pub.liaison_a)
    response = client.post("/publishing/posts/new/", {"text": "Hi"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()


def test_live_preview_counts_and_warns_per_channel(client, pub, make_post):
    make_post(text="Same again")
    client.force_login(pub.liaison_a)
    response = client.post(
        "/publishing/posts/preview/",
        {"text": "Same again", "channels": [pub.linkedin.pk]},
        headers={"HX-Request": "true"},
    )
    html = response.content.decode()
    assert response.status_code == 200 and "<html" not in html
    assert "Marketing LinkedIn" in html and "/ 5000" in html
    assert 'data-testid="duplicate-warning"' in html
    # A channel of another department is silently not previewed.
    html = client.post("/publishing/posts/preview/", {"text": "x", "channels": [pub.support.pk]}).content.decode()
    assert "Support X" not in html


# --- detail and actions -------------------------------------------------------------------------


def test_post_detail_is_404_for_other_departments_and_employees(client, pub, make_post):
    post = make_post()
    for person, status in [(pub.liaison_a, 200), (pub.manager, 200), (pub.liaison_b, 404), (pub.employee, 403)]:
        client.force_login(person)
        assert client.get(f"/publishing/posts/{post.pk}/").status_code in ({status} if status != 403 else {403, 404})


def test_reviewer_approves_from_the_detail_page_and_sees_the_timeline(client, pub, make_post):
    post = make_post(submit=True)
    client.force_login(pub.member)
    html = client.get(f"/publishing/posts/{post.pk}/").content.decode()
    assert "Your decision" in html
    response = client.post(f"/publishing/posts/{post.pk}/approve/", {"comment": "Lovely"}, follow=True)
    assert "You approved post" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    client.force_login(pub.liaison_a)
    timeline = client.get(f"/publishing/posts/{post.pk}/").content.decode()
    assert "approved all" in timeline and "Lovely" in timeline


def test_reject_without_a_comment_is_refused_with_a_message(client, pub, make_post):
    post = make_post(submit=True)
    client.force_login(pub.member)
    response = client.post(f"/publishing/posts/{post.pk}/reject/", {"comment": ""}, follow=True)
    assert "Say why it is rejected" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.IN_REVIEW


def test_a_double_click_on_approve_says_so_instead_of_approving_twice(client, pub, make_post):
    post = make_post(submit=True)
    client.force_login(pub.member)
    client.post(f"/publishing/posts/{post.pk}/approve/")
    response = client.post(f"/publishing/posts/{post.pk}/approve/", follow=True)
    assert "no longer waiting for review" in response.content.decode()
    assert post.reviews.count() == 1


def test_media_is_served_only_to_people_who_may_see_the_post(client, pub, later):
    client.force_login(pub.liaison_a)
    client.post(
        "/publishing/posts/new/",
        {"text": "Pic", "channels": [pub.linkedin.pk], "image_1": png(), "scheduled_at": local(later)},
    )
    media = Post.objects.get().media.get()
    response = client.get(f"/publishing/media/{media.pk}/")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    client.force_login(pub.liaison_b)
    assert client.get(f"/publishing/media/{media.pk}/").status_code == 404


# --- review queue -------------------------------------------------------------------------------


def bulk_in_review(pub, count: int) -> None:
    """Many posts waiting at the CoE review stage, written in bulk (the services are tested elsewhere)."""
    posts = Post.objects.bulk_create(
        [
            Post(
                author=pub.liaison_a,
                department=pub.marketing,
                text=f"Bulk {n}",
                status=Post.Status.IN_REVIEW,
                review_round=1,
                fingerprint=f"fp{n}",
                scheduled_at=timezone.now() + timedelta(days=1 + n % 20),
            )
            for n in range(count)
        ]
    )
    Publication.objects.bulk_create([Publication(post=post, channel=pub.linkedin) for post in posts])
    group = pub.default_policy.stages.get().group
    PostStage.objects.bulk_create(
        [
            PostStage(
                post=post,
                review_round=1,
                position=10,
                name="CoE review",
                kind=StageKind.GATE,
                group=group,
                status=PostStage.Status.ACTIVE,
            )
            for post in posts
        ]
    )


@pytest.mark.parametrize("count", [10, 1000])
def test_review_queue_stays_within_a_fixed_number_of_queries(client, pub, count, django_assert_max_num_queries):
    bulk_in_review(pub, count)
    client.force_login(pub.member)
    with django_assert_max_num_queries(20):  # includes the layout's banners (pause, crisis) on a cold cache
        response = client.get("/publishing/review/")
    page = response.content.decode()
    assert page.count('data-testid="queue-item"') == min(count, 50)
    assert f"{count} posts waiting" in page


def test_review_queue_pages_through_a_long_queue_earliest_deadline_first(client, pub):
    bulk_in_review(pub, 60)
    due = timezone.now() + timedelta(hours=1)
    PostStage.objects.update(due_at=due)
    last = PostStage.objects.order_by("-post_id").first()
    PostStage.objects.filter(pk=last.pk).update(due_at=due - timedelta(minutes=30))  # the most urgent
    client.force_login(pub.member)
    first = client.get("/publishing/review/").content.decode()
    assert re.findall(r'id="q(\d+)"', first)[0] == str(last.post_id)
    assert "Page 1 of 2" in first and "showing 1–50" in first
    second = client.get("/publishing/review/", {"page": 2}).content.decode()
    assert second.count('data-testid="queue-item"') == 10
    assert f'id="q{last.post_id}"' not in second


def test_review_queue_shows_what_changed_since_i_last_looked(client, pub, make_post):
    post = make_post(text="The first words", submit=True)
    client.force_login(pub.member)
    client.get(f"/publishing/posts/{post.pk}/")  # looked at version 1
    workflow.post_update(actor=pub.liaison_a, post=post, changes={"text": "The second words"})
    html = client.get("/publishing/review/").content.decode()
    assert "Changed since you last looked" in html
    assert "<del>first</del>" in html and "<ins>second</ins>" in html


def test_review_queue_filters_and_bulk_approve(client, pub, make_post):
    first = make_post(text="one", submit=True)
    second = make_post(text="two", channels=[pub.instagram], submit=True)
    client.force_login(pub.member)
    html = client.get("/publishing/review/", {"channel": pub.instagram.pk}).content.decode()
    assert "two" in html and f"#{first.pk} one" not in html
    response = client.post("/publishing/review/approve/", {"posts": [first.pk, second.pk]}, follow=True)
    assert "Approved 2 posts" in response.content.decode()


def test_review_queue_is_for_reviewers(client, pub):
    client.force_login(pub.liaison_a)
    assert client.get("/publishing/review/").status_code == 403


# --- calendar -----------------------------------------------------------------------------------


def month_range():
    start = timezone.localtime().replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return {
        "start": start.strftime("%Y-%m-%dT%H:%M:%S"),
        "end": (start + timedelta(days=42)).strftime("%Y-%m-%dT%H:%M:%S"),
    }


@pytest.mark.parametrize("count", [10, 1000])
def test_calendar_events_stay_within_a_fixed_number_of_queries(client, pub, count, django_assert_max_num_queries):
    bulk_in_review(pub, count)
    Publication.objects.update(scheduled_at=timezone.now() + timedelta(days=2))
    client.force_login(pub.liaison_a)
    with django_assert_max_num_queries(8):
        events = client.get("/publishing/calendar/events/", month_range()).json()
    assert len(events) == count


def test_calendar_events_are_scoped_and_in_the_viewers_time(client, pub, make_post, later):
    make_post()
    client.force_login(pub.liaison_b)
    assert client.get("/publishing/calendar/events/", month_range()).json() == []
    pub.liaison_a.time_zone = "Asia/Tokyo"
    pub.liaison_a.save()
    client.force_login(pub.liaison_a)
    range_ = {
        "start": (later - timedelta(days=1)).astimezone(timezone.get_fixed_timezone(540)).strftime("%Y-%m-%dT%H:%M:%S"),
        "end": (later + timedelta(days=1)).astimezone(timezone.get_fixed_timezone(540)).strftime("%Y-%m-%dT%H:%M:%S"),
    }
    [event] = client.get("/publishing/calendar/events/", range_).json()
    tokyo = later.astimezone(timezone.get_fixed_timezone(540))
    assert event["start"] == tokyo.strftime("%Y-%m-%dT%H:%M:%S") and event["editable"] is True


def test_drag_to_reschedule_and_its_refusals(client, pub, make_post, later):
    post = make_post()
    client.force_login(pub.liaison_a)
    target = timezone.localtime(later + timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.post("/publishing/calendar/move/", {"post": post.pk, "start": target})
    assert response.status_code == 200, response.content
    post.refresh_from_db()
    assert abs(post.scheduled_at - (later + timedelta(days=1))) < timedelta(seconds=1)
    past = timezone.localtime(timezone.now() - timedelta(days=1)).strftime("%Y-%m-%dT%H:%M:%S")
    response = client.post("/publishing/calendar/move/", {"post": post.pk, "start": past})
    assert response.status_code == 400 and "future" in response.json()["error"]["message"]
    client.force_login(pub.liaison_b)
    assert client.post("/publishing/calendar/move/", {"post": post.pk, "start": target}).status_code == 404


def test_ics_feed_with_a_secret_address_that_can_be_revoked(client, pub, make_post):
    make_post(text="In your calendar")
    client.force_login(pub.liaison_a)
    client.post("/publishing/calendar/feed/")
    token = CalendarFeed.objects.get(user=pub.liaison_a).token
    client.logout()
    response = client.get(f"/publishing/calendar/feed/{token}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    body = response.content.decode()
    assert "BEGIN:VEVENT" in body and "In your calendar" in body
    client.force_login(pub.liaison_a)
    client.post("/publishing/calendar/feed/", {"revoke": "1"})
    client.logout()
    assert client.get(f"/publishing/calendar/feed/{token}.ics").status_code == 404


def test_calendar_export_csv_keeps_formulas_as_text(client, pub, make_post):
    make_post(text='=HYPERLINK("http://evil")')
    client.force_login(pub.liaison_a)
    response = client.get(
        "/publishing/calendar/export.csv",
        month_range() | {"end": (timezone.now() + timedelta(days=40)).strftime("%Y-%m-%dT%H:%M:%S")},
    )
    body = response.content.decode()
    assert response.status_code == 200 and body.splitlines()[0].startswith("post_id,channel")
    assert "'=HYPERLINK" in body


def csv_file(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("drafts.csv", text.encode(), content_type="text/csv")


def test_import_all_or_nothing_reports_every_bad_row_and_imports_nothing(client, pub, later):
    when = timezone.localtime(later).strftime("%Y-%m-%d %H:%M")
    rows = (
        "text,link,channels,scheduled_at,campaign,theme\n"
        f"Good one,,Marketing LinkedIn,{when},,\n"
        f"Not mine,,Support X,{when},,\n"
        "Bad time,,Marketing LinkedIn,tomorrow-ish,,\n"
    )
    client.force_login(pub.liaison_a)
    response = client.post("/publishing/posts/import/", {"file": csv_file(rows), "mode": "all_or_nothing"})
    html = response.content.decode()
    assert "Not a channel you may post to: Support X" in html and "is not a time like" in html
    assert not Post.objects.exists()
    response = client.post("/publishing/posts/import/", {"file": csv_file(rows), "mode": "valid_rows"})
    assert list(Post.objects.values_list("text", "status")) == [("Good one", "draft")]


def test_import_of_a_malformed_file_says_what_is_wrong(client, pub):
    client.force_login(pub.liaison_a)
    response = client.post(
        "/publishing/posts/import/", {"file": csv_file("just,some\nwords,here\n"), "mode": "valid_rows"}
    )
    assert "missing: channels, text" in response.content.decode()
    response = client.post(
        "/publishing/posts/import/", {"file": SimpleUploadedFile("x.csv", b"\xff\xfe\x00bad"), "mode": "valid_rows"}
    )
    assert "not UTF-8" in response.content.decode()


# --- channels, pause, policies ------------------------------------------------------------------


def test_pause_all_shows_a_banner_to_everyone_and_is_audited(client, pub):
    client.force_login(pub.member)
    client.post("/publishing/pause/", {"reason": "Storm"})  # a member may not
    assert "All publishing is paused" not in client.get("/").content.decode()
    client.force_login(pub.manager)
    assert client.post("/publishing/pause/", {"reason": ""}, follow=True).status_code == 200
    client.post("/publishing/pause/", {"reason": "Storm coverage review"})
    client.force_login(pub.liaison_a)
    assert "All publishing is paused: Storm coverage review" in client.get("/").content.decode()
    client.force_login(pub.manager)
    client.post("/publishing/pause/", {"resume": "1"})
    client.force_login(pub.liaison_a)
    assert "All publishing is paused" not in client.get("/").content.decode()
    from publishing.models import PublishingControlEvent

    assert list(PublishingControlEvent.objects.order_by("created_at").values_list("paused", "actor__username")) == [
        (True, "manager"),
        (False, "manager"),
    ]


def test_channel_pages_are_the_coes(client, pub):
    client.force_login(pub.liaison_a)
    assert client.get("/publishing/channels/").status_code == 403
    client.force_login(pub.member)
    html = client.get("/publishing/channels/").content.decode()
    assert "Marketing LinkedIn" in html and "Pause all publishing" not in html


def test_manager_connects_a_channel_and_its_secret_is_never_shown(client, pub):
    client.force_login(pub.manager)
    response = client.post(
        "/publishing/channels/new/",
        {
            "name": "Relay",
            "network": "webhook",
            "handle": "relay",
            "department": pub.marketing.pk,
            "time_zone": "UTC",
            "is_active": "on",
            "setting__webhook__url": "https://relay.example.com/hook",
            "secret__webhook__secret": "super-secret-value",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    assert "super-secret-value" not in page and "••••" in page
    edit = client.get(response["Location"] + "edit/").content.decode()
    assert "super-secret-value" not in edit


def test_manager_edits_an_approval_policy_with_its_stages(client, pub):
    client.force_login(pub.manager)
    data = {
        "name": "Sales",
        "department": pub.service.pk,
        "is_active": "on",
        "late_approval": "publish_now",
        "stages-TOTAL_FORMS": "1",
        "stages-INITIAL_FORMS": "0",
        "stages-MIN_NUM_FORMS": "0",
        "stages-MAX_NUM_FORMS": "1000",
        "stages-0-position": "10",
        "stages-0-name": "Lead",
        "stages-0-kind": "gate",
        "stages-0-department_lead": "on",
        "stages-0-required_approvals": "1",
    }
    response = client.post("/publishing/policies/new/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    client.force_login(pub.member)
    assert client.get("/publishing/policies/new/").status_code == 403


# --- outside review -----------------------------------------------------------------------------


def test_outside_reviewer_page_works_without_an_account(client, pub, make_post):
    policy = PolicyFactory(name="Agency", department=pub.marketing)
    StageFactory(policy=policy, name="Agency", external_reviewers="agency@example.com")
    post = make_post(submit=True, text="For the agency")
    token = external_review_token(post.external_invites.get())
    response = client.get(f"/publishing/external/{token}/")
    assert response.status_code == 200 and "For the agency" in response.content.decode()
    response = client.post(
        f"/publishing/external/{token}/", {"name": "Ann", "decision": "request_changes", "comment": ""}
    )
    assert "Say what needs to change" in response.content.decode()
    response = client.post(f"/publishing/external/{token}/", {"name": "Ann", "decision": "approve"})
    assert "Thank you" in response.content.decode()
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED
    assert client.get("/publishing/external/not-a-token/").status_code == 410


def test_home_shows_the_queue_count_to_a_reviewer(client, pub, make_post):
    make_post(submit=True)
    client.force_login(pub.member)
    html = client.get("/").content.decode()
    assert 'data-testid="waiting-on-me"' in html
    assert Notification.objects.filter(recipient=pub.member).exists()
