"""Dispatch and the publish task, driven synchronously through the services (what beat and a
worker do), against loopback fakes of the networks: claims, retries, holds, unknown outcomes and
recovery after a killed worker."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone

from coe.models import Notification
from publishing.models import Channel, Publication, PublishAttempt
from publishing.services import channels as channel_services
from publishing.services import dispatch, workflow
from tests.publishing.factories import ChannelFactory
from tests.publishing.fakes import FakeMastodon, WebhookReceiver

Status = Publication.Status


@pytest.fixture
def mastodon():
    with FakeMastodon() as server:
        yield server


@pytest.fixture
def relay():
    with WebhookReceiver() as server:
        yield server


@pytest.fixture
def mastodon_channel(pub, mastodon):
    channel = ChannelFactory(
        name="Marketing Mastodon", network="mastodon", department=pub.marketing, settings={"instance_url": mastodon.url}
    )
    channel.set_credentials({"access_token": mastodon.token})
    channel.save()
    return channel


@pytest.fixture
def relay_channel(pub, relay):
    channel = ChannelFactory(
        name="Intranet relay",
        network="webhook",
        department=pub.marketing,
        settings={"url": f"{relay.url}/hook", "receiver_dedupes": "false"},
    )
    channel.set_credentials({"secret": relay.secret})
    channel.save()
    return channel


@pytest.fixture
def due(pub, make_post):
    """due(channel, text=…) → an approved publication whose time has come."""

    def _due(channel, text="Scheduled with care", **fields):
        post = make_post(channels=[channel], submit=True, text=text, **fields)
        workflow.review_approve(actor=pub.member, post=post)
        publication = post.publications.get()
        Publication.objects.filter(pk=publication.pk).update(scheduled_at=timezone.now() - timedelta(seconds=5))
        publication.refresh_from_db()
        assert publication.status == Status.SCHEDULED
        return publication

    return _due


@pytest.fixture(autouse=True)
def quick_publishing(settings, tmp_path):
    settings.VAR_DIR = tmp_path  # the console channel writes here
    settings.PUBLISH_ADAPTER_TIMEOUT = 0.5
    settings.PUBLISH_MAX_ATTEMPTS = 3


def sweep_and_send() -> list[str]:
    """One beat sweep, then a worker running every task it enqueued."""
    return [
        dispatch.publication_publish(publication_id=pk, worker="test")
        for pk in dispatch.publications_dispatch_due().queued
    ]


def refreshed(publication: Publication) -> Publication:
    publication.refresh_from_db()
    return publication


def test_a_due_publication_is_claimed_once_and_a_duplicated_task_sends_nothing(due, mastodon_channel, mastodon):
    publication = due(mastodon_channel)
    result = dispatch.publications_dispatch_due()
    assert result.queued == [publication.pk]
    assert dispatch.publications_dispatch_due().queued == []  # a second beat finds nothing
    assert dispatch.publication_publish(publication_id=publication.pk) == "published"
    assert dispatch.publication_publish(publication_id=publication.pk) == "not-claimed"  # redelivered message
    publication = refreshed(publication)
    assert publication.status == Status.PUBLISHED
    assert publication.external_url == f"{mastodon.url}/@acme/{publication.external_id}"
    assert len(mastodon.statuses_for(str(publication.idempotency_key))) == 1
    assert list(publication.attempt_log.values_list("outcome", flat=True)) == ["sent"]
    assert publication.post.transitions.filter(action="published").exists()


def test_nothing_is_claimed_before_its_time(due, mastodon_channel):
    publication = due(mastodon_channel)
    Publication.objects.filter(pk=publication.pk).update(scheduled_at=timezone.now() + timedelta(minutes=1))
    assert dispatch.publications_dispatch_due().queued == []


def test_dispatch_works_in_bounded_batches(due, pub, mastodon_channel):
    publications = [due(mastodon_channel, text=f"Batch {n}") for n in range(5)]
    first = dispatch.publications_dispatch_due(batch_size=3)
    second = dispatch.publications_dispatch_due(batch_size=3)
    assert first.more and not second.more
    assert sorted(first.queued + second.queued) == sorted(p.pk for p in publications)


def test_the_sweep_sends_each_channels_publications_in_small_messages(
    due, pub, mastodon_channel, relay_channel, settings, monkeypatch, django_capture_on_commit_callbacks
):
    from publishing.tasks import publications_publish_task

    settings.PUBLISH_TASK_CHUNK = 2
    on_mastodon = [due(mastodon_channel, text=f"Mastodon {n}").pk for n in range(3)]
    on_relay = [due(relay_channel, text="Relay").pk]
    messages: list[list[int]] = []
    monkeypatch.setattr(publications_publish_task, "delay", messages.append)  # the broker's edge
    with django_capture_on_commit_callbacks(execute=True):
        dispatch.publications_dispatch_due()
    assert sorted(messages) == sorted([on_mastodon[:2], on_mastodon[2:], on_relay])


def test_a_message_stops_starting_sends_when_its_time_budget_is_spent(due, mastodon_channel, mastodon):
    publications = [due(mastodon_channel, text=f"Budget {n}") for n in range(3)]
    queued = dispatch.publications_dispatch_due().queued
    rest = dispatch.publications_publish(publication_ids=queued, budget_seconds=0)
    assert rest == queued[1:]  # the first always goes; the rest wait for a new message, still queued
    assert [refreshed(p).status for p in publications] == [Status.PUBLISHED, Status.QUEUED, Status.QUEUED]
    assert dispatch.publications_publish(publication_ids=rest, budget_seconds=60) == []
    assert mastodon.status_posts == 3


def test_transient_errors_back_off_then_fail_and_tell_the_author_and_coe(due, mastodon_channel, mastodon, pub):
    publication = due(mastodon_channel)
    mastodon.fail_next("POST", "/api/v1/statuses", status=503, body={"error": "Down for maintenance"}, times=3)
    assert sweep_and_send() == ["retry"]
    publication = refreshed(publication)
    assert publication.status == Status.SCHEDULED and publication.attempts == 1
    assert publication.next_attempt_at > timezone.now()  # backoff, in the database
    assert "Down for maintenance" in publication.last_error
    assert refreshed(mastodon_channel).health == Channel.Health.DEGRADED
    assert sweep_and_send() == []  # not before its backoff

    for _ in range(2):
        Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
        sweep_and_send()
    publication = refreshed(publication)
    assert publication.status == Status.FAILED
    assert publication.last_error.startswith("Gave up after 3 tries")
    assert mastodon.statuses == []
    assert Notification.objects.filter(recipient=pub.liaison_a, kind="publication_failed").exists()
    assert Notification.objects.filter(recipient=pub.manager, kind="publication_failed").exists()

    # A person retries: a fresh cycle with the same idempotency key; the network is back.
    workflow_retry = dispatch.publication_retry(actor=pub.liaison_a, publication=publication)
    assert workflow_retry.status == Status.SCHEDULED and workflow_retry.attempts == 0
    assert sweep_and_send() == ["published"]
    assert refreshed(mastodon_channel).health == Channel.Health.OK
    assert len(mastodon.statuses) == 1


def test_retry_after_is_honoured(due, mastodon_channel, mastodon):
    publication = due(mastodon_channel)
    reset = (timezone.now() + timedelta(seconds=600)).isoformat()
    mastodon.fail_next(
        "POST", "/api/v1/statuses", status=429, headers={"X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset}
    )
    assert sweep_and_send() == ["retry"]
    wait = refreshed(publication).next_attempt_at - timezone.now()
    assert timedelta(seconds=580) < wait <= timedelta(seconds=601)


def test_a_refusal_fails_at_once_with_the_networks_message(due, mastodon_channel, mastodon):
    publication = due(mastodon_channel)
    mastodon.fail_next("POST", "/api/v1/statuses", status=422, body={"error": "Validation failed: Text is spam"})
    assert sweep_and_send() == ["failed"]
    publication = refreshed(publication)
    assert publication.status == Status.FAILED and publication.attempts == 1
    assert publication.last_error == "Mastodon refused the post: Validation failed: Text is spam"


def test_revoked_credentials_hold_the_channel_instead_of_failing_its_posts(due, mastodon_channel, mastodon, pub):
    first, second = due(mastodon_channel, text="One"), due(mastodon_channel, text="Two")
    mastodon.token = "rotated"  # someone revoked the app's token
    outcomes = sweep_and_send()
    assert "held-credentials" in outcomes
    mastodon_channel.refresh_from_db()
    assert mastodon_channel.health == Channel.Health.NEEDS_RECONNECT
    assert {refreshed(first).status, refreshed(second).status} == {Status.HELD}
    assert Notification.objects.filter(kind="channel_needs_reconnect", recipient=pub.manager).count() == 1
    assert sweep_and_send() == []

    # Reconnected with a working token: a successful check releases what was held.
    channel_services.channel_update(
        actor=pub.manager, channel=mastodon_channel, changes={}, credentials={"access_token": "rotated"}
    )
    channel_services.channel_check(actor=pub.manager, channel=mastodon_channel)
    assert sorted(sweep_and_send()) == ["published", "published"]
    assert len(mastodon.statuses) == 2


def test_an_inactive_channel_holds_at_dispatch(due, mastodon_channel):
    publication = due(mastodon_channel)
    Channel.objects.filter(pk=mastodon_channel.pk).update(is_active=False)
    result = dispatch.publications_dispatch_due()
    assert result.queued == [] and result.held == 1
    assert refreshed(publication).hold_reason == Publication.HoldReason.CHANNEL


def test_pause_all_stops_dispatch_and_a_task_already_queued(due, mastodon_channel, mastodon, pub):
    publication = due(mastodon_channel)
    queued = dispatch.publications_dispatch_due().queued
    channel_services.publishing_pause(actor=pub.manager, reason="Checking a complaint")
    assert dispatch.publication_publish(publication_id=queued[0]) == "paused"  # checked at send time
    assert refreshed(publication).status == Status.SCHEDULED and refreshed(publication).attempts == 0
    assert dispatch.publications_dispatch_due().queued == []
    channel_services.publishing_resume(actor=pub.manager)
    assert sweep_and_send() == ["published"]
    assert len(mastodon.statuses) == 1


def test_a_timeout_after_sending_without_idempotency_is_unknown_and_reconciled(due, relay_channel, relay, pub):
    Channel.objects.filter(pk=relay_channel.pk).update(
        settings={**relay_channel.settings, "status_url": f"{relay.url}/status/{{idempotency_key}}"}
    )
    publication = due(relay_channel)
    relay.hang_next("POST", "/hook", seconds=1.5, after_effect=True)
    assert sweep_and_send() == ["unknown"]
    publication = refreshed(publication)
    assert publication.status == Status.UNKNOWN  # a state, not a retry: no second delivery
    assert Notification.objects.filter(recipient=pub.liaison_a, kind="publication_unknown").exists()
    assert sweep_and_send() == []
    assert dispatch.publications_reconcile_unknown() == 1  # found on the relay's status address
    publication = refreshed(publication)
    assert publication.status == Status.PUBLISHED
    assert len(relay.deliveries) == 1


def test_an_unknown_outcome_nobody_can_check_waits_for_a_person(due, relay_channel, relay, pub):
    publication = due(relay_channel)
    relay.reset_next("POST", "/hook", after_effect=False)  # the line drops; nothing arrived
    assert sweep_and_send() == ["unknown"]
    assert dispatch.publications_reconcile_unknown() == 0
    assert refreshed(publication).status == Status.UNKNOWN
    dispatch.publication_retry(actor=pub.liaison_a, publication=publication)
    assert sweep_and_send() == ["published"]
    assert len(relay.deliveries) == 1
    outcomes = list(refreshed(publication).attempt_log.values_list("outcome", flat=True))
    assert outcomes == ["skipped", "sent"]


def test_a_person_can_confirm_an_unknown_publication_by_hand(due, relay_channel, relay, pub):
    publication = due(relay_channel)
    relay.hang_next("POST", "/hook", seconds=1.5, after_effect=True)
    sweep_and_send()
    dispatch.publication_mark_published(
        actor=pub.liaison_a, publication=publication, external_url="https://intranet.example/posts/1"
    )
    publication = refreshed(publication)
    assert publication.status == Status.PUBLISHED
    assert publication.external_url == "https://intranet.example/posts/1"


def test_a_lost_task_message_is_queued_again(due, mastodon_channel, mastodon, settings):
    publication = due(mastodon_channel)
    dispatch.publications_dispatch_due()  # queued, but say Redis restarted and the message is gone
    later = timezone.now() + timedelta(seconds=settings.PUBLISH_QUEUED_STALE_SECONDS + 1)
    assert dispatch.publications_recover_stuck(now=later) == (1, 0)
    assert refreshed(publication).status == Status.SCHEDULED
    assert sweep_and_send() == ["published"]


def test_a_worker_killed_mid_send_is_recovered_without_a_second_post(due, mastodon_channel, mastodon, settings):
    """The worker claimed the publication, wrote its attempt row and sent the status, then died
    before recording the answer. Recovery asks the network first and finds the post."""
    publication = due(mastodon_channel)
    dispatch.publications_dispatch_due()
    Publication.objects.filter(pk=publication.pk).update(
        status=Status.PUBLISHING, claimed_at=timezone.now(), attempts=1, first_attempt_at=timezone.now()
    )
    PublishAttempt.objects.create(publication=publication, number=1, worker="killed")
    mastodon_channel.adapter().publish(
        dispatch.PublishRequest(
            content=dispatch.post_content(publication.post),
            idempotency_key=str(publication.idempotency_key),
            first_attempt_at=timezone.now(),
        )
    )
    assert dispatch.publications_recover_stuck() == (0, 0)  # not stuck yet: it may still be running
    later = timezone.now() + timedelta(seconds=settings.PUBLISH_STUCK_SECONDS + 1)
    assert dispatch.publications_recover_stuck(now=later) == (0, 1)
    Publication.objects.filter(pk=publication.pk).update(next_attempt_at=timezone.now())
    mastodon.fail_next("POST", "/api/v1/statuses", status=500)  # a resend would show up as a fault
    assert sweep_and_send() == ["found"]
    assert len(mastodon.statuses) == 1
    assert list(refreshed(publication).attempt_log.values_list("outcome", flat=True)) == ["unknown", "found"]


def test_a_post_that_breaks_the_networks_limits_since_submission_fails_before_sending(due, mastodon_channel, mastodon):
    publication = due(mastodon_channel, text="x" * 400)
    Channel.objects.filter(pk=mastodon_channel.pk).update(
        settings={"instance_url": mastodon.url, "max_characters": "300"}  # the instance lowered its limit
    )
    assert sweep_and_send() == ["failed-validation"]
    assert "Mastodon allows 300 characters" in refreshed(publication).last_error
    assert mastodon.requests == []


def test_bulk_retry_reports_what_it_could_not_do(due, mastodon_channel, mastodon, pub):
    failed = due(mastodon_channel, text="Will fail")
    mastodon.fail_next("POST", "/api/v1/statuses", status=422, body={"error": "Nope"})
    sweep_and_send()
    fine = due(mastodon_channel, text="Went fine")
    sweep_and_send()
    done, problems = dispatch.publications_retry_many(
        actor=pub.manager, publications=[refreshed(failed), refreshed(fine)]
    )
    assert done == 1
    assert problems == [
        f"#{fine.post_id} on {mastodon_channel}: It is published; only failed or unknown ones are retried."
    ]


def test_the_console_channel_publishes_for_the_demo(due, pub, settings):
    publication = due(pub.linkedin)  # the factory's channels are console channels
    assert sweep_and_send() == ["published"]
    assert "Scheduled with care" in (settings.VAR_DIR / "console-channel.log").read_text()
    assert refreshed(publication).external_id.startswith("console-")
