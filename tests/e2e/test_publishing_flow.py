"""The heart of CoE Hub in a real browser: a liaison composes and submits, the department lead
and Legal approve, the post is on the calendar, a real Celery worker publishes it through the
console adapter, and the timeline shows every step."""

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone
from playwright.sync_api import expect

from coe.celery import app
from publishing.models import Post, Publication
from publishing.services.dispatch import publications_dispatch_due

pytestmark = pytest.mark.browser


def test_compose_approve_calendar_publish_timeline(page, live_server, demo_company, sign_in, screenshot, redis_url):
    text = f"Browser-made post {time.time_ns()}: the Winter Launch is almost here."
    when = timezone.localtime(timezone.now() + timedelta(hours=2), timezone.get_fixed_timezone(60))

    # The liaison (Europe/Berlin) writes for LinkedIn and submits.
    sign_in("liaison")
    page.get_by_role("link", name="Posts", exact=True).click()
    page.get_by_role("link", name="Write a post").click()
    page.get_by_label("Text").fill(text)
    page.get_by_label("Acme on LinkedIn").check()
    expect(page.locator("[data-testid=preview-console] [data-testid=counter]")).to_contain_text("/ 5000")
    page.get_by_label("Publish at").fill(when.strftime("%Y-%m-%dT%H:%M"))
    screenshot("flow-1-compose")
    page.get_by_role("button", name="Submit for review").click()
    expect(page.get_by_role("alert").first).to_contain_text("submitted for review")
    post = Post.objects.get(text=text)
    assert post.status == Post.Status.IN_REVIEW

    # The Marketing lead approves from the post page; then Legal from the review queue.
    for reviewer in ("marketing-lead", "approver"):
        page.get_by_test_id("user-menu").click()
        page.get_by_role("button", name="Sign out").click()
        sign_in(reviewer)
        page.get_by_role("link", name="Review", exact=True).click()
        item = page.get_by_test_id("queue-item").filter(has_text="Browser-made post")
        expect(item).to_have_count(1)
        screenshot(f"flow-2-queue-{reviewer}")
        item.get_by_role("button", name="Approve").click()
        expect(page.get_by_role("alert").first).to_contain_text(f"You approved post #{post.pk}")
    post.refresh_from_db()
    assert post.status == Post.Status.APPROVED

    # Back as the liaison: it is on the calendar, in their own time zone.
    page.get_by_test_id("user-menu").click()
    page.get_by_role("button", name="Sign out").click()
    sign_in("liaison")
    page.goto(f"{live_server.url}/publishing/calendar/?view=week")
    event = page.locator(".fc-event", has_text="Acme on LinkedIn: Browser-made post")
    expect(event).to_be_visible()
    screenshot("flow-3-calendar")

    # Publish now: beat's sweep claims it, a real worker sends it through the console adapter.
    page.goto(f"{live_server.url}/publishing/posts/{post.pk}/")
    page.get_by_role("button", name="Publish now").click()
    app.control.purge()
    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        assert publications_dispatch_due().queued
        deadline = time.monotonic() + 30
        while (
            time.monotonic() < deadline
            and not Publication.objects.filter(post=post, status=Publication.Status.PUBLISHED).exists()
        ):
            time.sleep(0.2)
    page.reload()
    expect(page.get_by_test_id("publication-console")).to_contain_text("Published")
    timeline = page.get_by_test_id("timeline")
    for step in ("created", "submitted", "approved", "approved all", "publish now", "published"):
        expect(timeline).to_contain_text(step)
    screenshot("flow-4-published")
