"""Channel adapters against real HTTP servers on 127.0.0.1 that speak each network's API
(tests/publishing/fakes.py): lengths as the network counts them, media limits, idempotent resends,
and every kind of network trouble turned into the right error."""

from __future__ import annotations

import json
import socket
import time
import uuid
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import pytest
from PIL import Image

from publishing.adapters import ADAPTERS, get_adapter
from publishing.adapters._common import retry_after_seconds
from publishing.adapters.base import (
    CredentialError,
    MediaFile,
    OutcomeUnknown,
    PermanentError,
    PostContent,
    PublishRequest,
    TransientError,
)
from publishing.adapters.bluesky import graphemes, record_key
from publishing.adapters.mastodon import mastodon_length
from publishing.adapters.webhook import sign, verify_signature
from tests.publishing.fakes import FakeBluesky, FakeMastodon, WebhookReceiver

MB = 1024 * 1024


def request_for(text: str = "Our new help centre is live", *, media=(), link: str = "", started=None):
    return PublishRequest(
        content=PostContent(text=text, link=link, media=tuple(media)),
        idempotency_key=str(uuid.uuid4()),
        first_attempt_at=started or datetime.now(tz=UTC),
        publication_id=7,
    )


def closed_port_url() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"  # nothing listens there once the socket is closed


def png(tmp_path: Path, name: str = "photo.png") -> MediaFile:
    path = tmp_path / name
    Image.new("RGB", (40, 30), "teal").save(path)
    return MediaFile(path=path, content_type="image/png", size=path.stat().st_size, width=40, height=30, alt_text="A")


def fake_media(content_type: str = "image/png", size: int = 1000, name: str = "x.png") -> MediaFile:
    return MediaFile(path=Path(name), content_type=content_type, size=size)


def codes(issues) -> set[str]:
    return {issue.code for issue in issues}


def test_every_adapter_names_its_fields_and_the_registry_refuses_unknown_networks():
    assert set(ADAPTERS) == {"mastodon", "bluesky", "webhook", "console"}
    assert ADAPTERS["mastodon"].required_settings == {"instance_url"}
    assert "secret" in ADAPTERS["webhook"].credential_fields
    with pytest.raises(ValueError, match="Unknown network 'myspace'"):
        get_adapter("myspace", settings={}, credentials={})


# --- Mastodon -----------------------------------------------------------------------------------


@pytest.fixture
def mastodon():
    with FakeMastodon() as server:
        yield server


def mastodon_adapter(server: FakeMastodon, *, token: str = "test-token", timeout: float = 2.0, **settings):
    return get_adapter(
        "mastodon",
        settings={"instance_url": server.url, **settings},
        credentials={"access_token": token},
        timeout=timeout,
    )


def test_mastodon_counts_every_link_as_23_characters_and_mentions_without_their_domain():
    long_link = "https://example.com/" + "a" * 200
    assert mastodon_length(f"Read {long_link}") == len("Read ") + 23
    assert mastodon_length("Thanks @ada@mastodon.example!") == len("Thanks @ada!")
    adapter = ADAPTERS["mastodon"](settings={"max_characters": "30"}, credentials={})
    assert adapter.length(PostContent(text="x" * 10, link=long_link)).used == 10 + 2 + 23
    problems = adapter.validate(PostContent(text="x" * 31))
    assert codes(problems) == {"too_long"}
    assert "Mastodon allows 30 characters (links count as 23); this post has 31." in problems[0].message
    assert adapter.validate(PostContent(text="x" * 30)) == []


def test_mastodon_refuses_a_fifth_image_wrong_types_and_oversized_files():
    adapter = ADAPTERS["mastodon"](settings={}, credentials={})
    five = [fake_media(name=f"{n}.png") for n in range(5)]
    assert codes(adapter.validate(PostContent(text="hi", media=tuple(five)))) == {"too_many_media"}
    tiff = fake_media("image/tiff", name="scan.tiff")
    huge = fake_media(size=17 * MB, name="huge.png")
    problems = adapter.validate(PostContent(text="hi", media=(tiff, huge)))
    assert codes(problems) == {"media_type", "media_too_large"}
    assert any("huge.png is 17.0 MB" in problem.message for problem in problems)
    assert codes(adapter.validate(PostContent(text=" "))) == {"empty"}


def test_mastodon_publishes_with_media_and_a_resend_with_the_same_key_returns_the_first_status(mastodon, tmp_path):
    adapter = mastodon_adapter(mastodon)
    request = request_for(media=[png(tmp_path)], link="https://example.com/help")
    first = adapter.publish(request)
    again = adapter.publish(request)
    assert first.external_id == again.external_id
    assert first.external_url == f"{mastodon.url}/@acme/{first.external_id}"
    [status] = mastodon.statuses
    assert status["idempotency_key"] == request.idempotency_key
    assert "https://example.com/help" in status["content"]
    assert len(status["media_attachments"]) == 1
    assert mastodon.status_posts == 2  # the network saw the resend and answered with the first status
    assert adapter.check_credentials() == "@acme"
    assert adapter.fetch_metrics(first.external_id) == {"likes": 0, "shares": 0, "comments": 0}


def test_mastodon_rate_limit_is_transient_and_tells_when_to_come_back(mastodon):
    reset = datetime.now(tz=UTC) + timedelta(seconds=40)
    mastodon.fail_next(
        "POST",
        "/api/v1/statuses",
        status=429,
        headers={"X-RateLimit-Limit": "300", "X-RateLimit-Remaining": "0", "X-RateLimit-Reset": reset.isoformat()},
    )
    with pytest.raises(TransientError) as caught:
        mastodon_adapter(mastodon).publish(request_for())
    assert caught.value.status == 429
    assert 30 < caught.value.retry_after <= 41
    assert mastodon.statuses == []


def test_mastodon_server_errors_are_transient(mastodon):
    mastodon.fail_next("POST", "/api/v1/statuses", status=503, body={"error": "Service Unavailable"})
    with pytest.raises(TransientError, match="503") as caught:
        mastodon_adapter(mastodon).publish(request_for())
    assert caught.value.status == 503


def test_mastodon_revoked_token_is_a_credential_error(mastodon):
    adapter = mastodon_adapter(mastodon, token="revoked")
    with pytest.raises(CredentialError, match="The access token is invalid"):
        adapter.publish(request_for())
    with pytest.raises(CredentialError):
        adapter.check_credentials()


def test_mastodon_refusal_is_permanent_with_the_networks_message():
    # The instance is stricter than the channel's settings say.
    with (
        FakeMastodon(max_characters=20) as server,
        pytest.raises(PermanentError, match="Text character limit of 20 exceeded") as caught,
    ):
        mastodon_adapter(server).publish(request_for("x" * 40))
    assert caught.value.status == 422
    assert not isinstance(caught.value, CredentialError)


def test_mastodon_unreachable_before_sending_is_transient():
    adapter = get_adapter("mastodon", settings={"instance_url": closed_port_url()}, credentials={"access_token": "t"})
    with pytest.raises(TransientError, match="Could not reach Mastodon"):
        adapter.publish(request_for())


def test_mastodon_timeout_after_sending_is_unknown_but_a_resend_inside_the_key_window_is_safe(mastodon):
    mastodon.hang_next("POST", "/api/v1/statuses", seconds=2, after_effect=True)
    adapter = mastodon_adapter(mastodon, timeout=0.5)
    request = request_for()
    with pytest.raises(OutcomeUnknown) as caught:
        adapter.publish(request)
    assert caught.value.resend_is_safe
    assert len(mastodon.statuses) == 1  # it did go out
    assert adapter.find_existing(request).external_id == mastodon.statuses[0]["id"]
    assert adapter.publish(request).external_id == mastodon.statuses[0]["id"]
    assert len(mastodon.statuses) == 1


def test_mastodon_past_the_key_window_a_lost_answer_must_be_checked_not_resent(mastodon):
    mastodon.reset_next("POST", "/api/v1/statuses", after_effect=True)
    request = request_for(started=datetime.now(tz=UTC) - timedelta(hours=2))
    with pytest.raises(OutcomeUnknown) as caught:
        mastodon_adapter(mastodon).publish(request)
    assert not caught.value.resend_is_safe


def test_mastodon_find_existing_matches_this_text_only(mastodon):
    adapter = mastodon_adapter(mastodon)
    sent = request_for("Café & friends <3 https://example.com/menu")
    adapter.publish(sent)
    assert adapter.find_existing(sent) is not None
    assert adapter.find_existing(request_for("Something else entirely")) is None


def test_mastodon_find_existing_pages_back_through_a_busy_account(mastodon):
    adapter = mastodon_adapter(mastodon)
    early = request_for("The first of many")
    adapter.publish(early)
    for n in range(95):
        adapter.publish(request_for(f"Busy day, post {n}"))
    assert adapter.find_existing(early).external_id == mastodon.statuses[0]["id"]
    long_ago = request_for("The first of many", started=datetime.now(tz=UTC) + timedelta(hours=1))
    assert adapter.find_existing(long_ago) is None  # only statuses since the first attempt count


# --- Bluesky ------------------------------------------------------------------------------------


@pytest.fixture
def bluesky():
    with FakeBluesky() as server:
        yield server


def bluesky_adapter(server: FakeBluesky, *, password: str | None = None, timeout: float = 2.0):
    return get_adapter(
        "bluesky",
        settings={"service_url": server.url},
        credentials={"handle": server.handle, "app_password": password or server.password},
        timeout=timeout,
    )


def test_bluesky_counts_graphemes_not_code_points():
    family = "👨‍👩‍👧‍👦"  # seven code points, one grapheme
    assert len(family) == 7 and graphemes(family) == 1
    assert graphemes("é") == graphemes("e\u0301") == 1
    adapter = ADAPTERS["bluesky"](settings={}, credentials={})
    assert adapter.validate(PostContent(text=family * 300)) == []
    problems = adapter.validate(PostContent(text=family * 301))
    assert codes(problems) == {"too_long"}
    assert "this post has 301" in problems[0].message


def test_bluesky_media_limits():
    adapter = ADAPTERS["bluesky"](settings={}, credentials={})
    gif = fake_media("image/gif", name="anim.gif")
    big = fake_media(size=2 * MB, name="big.jpg")
    assert codes(adapter.validate(PostContent(text="hi", media=(gif, big)))) == {"media_type", "media_too_large"}


def test_bluesky_record_key_is_a_stable_tid_per_publication():
    started, key = datetime(2026, 3, 29, 1, 30, tzinfo=UTC), str(uuid.uuid4())
    rkey = record_key(started, key)
    assert rkey == record_key(started, key)
    assert len(rkey) == 13 and set(rkey) <= set("234567abcdefghijklmnopqrstuvwxyz")
    assert rkey != record_key(started, str(uuid.uuid4()))


def test_bluesky_publishes_once_with_link_facets_at_byte_offsets(bluesky, tmp_path):
    adapter = bluesky_adapter(bluesky)
    request = request_for("Ça marche 🎉 https://example.com/fr", media=[png(tmp_path)])
    first = adapter.publish(request)
    again = adapter.publish(request)  # a resend: same record key, refused as existing, read back
    assert first.external_id == again.external_id
    assert len(bluesky.records) == 1 and bluesky.create_calls == 2
    [stored] = bluesky.records.values()
    text = stored["value"]["text"]
    [facet] = stored["value"]["facets"]
    start, end = facet["index"]["byteStart"], facet["index"]["byteEnd"]
    assert text.encode()[start:end].decode() == "https://example.com/fr"
    assert stored["value"]["embed"]["images"][0]["alt"] == "A"
    assert adapter.find_existing(request).external_id == first.external_id
    assert adapter.fetch_metrics(first.external_id) == {"likes": 3, "shares": 1, "comments": 2}


def test_bluesky_reuses_its_session_and_signs_in_again_when_it_expires(bluesky):
    bluesky_adapter(bluesky).publish(request_for("one"))
    bluesky_adapter(bluesky).publish(request_for("two"))
    assert bluesky.sessions_created == 1  # createSession is rate limited hard: sessions are reused
    bluesky.expire_sessions()
    bluesky_adapter(bluesky).publish(request_for("three"))
    assert bluesky.sessions_created == 2
    assert len(bluesky.records) == 3


def test_bluesky_wrong_app_password_is_a_credential_error(bluesky):
    with pytest.raises(CredentialError, match="Invalid identifier or password"):
        bluesky_adapter(bluesky, password="wrong").publish(request_for())


def test_bluesky_rate_limit_and_server_errors_are_transient(bluesky):
    adapter = bluesky_adapter(bluesky)
    adapter.check_credentials()  # a session first, so the fault hits createRecord
    bluesky.fail_next(
        "POST",
        "/xrpc/com.atproto.repo.createRecord",
        status=429,
        headers={"Retry-After": "12"},
        body={"error": "RateLimitExceeded", "message": "Rate Limit Exceeded"},
    )
    with pytest.raises(TransientError) as caught:
        adapter.publish(request_for())
    assert caught.value.status == 429 and caught.value.retry_after == 12
    bluesky.fail_next("POST", "/xrpc/com.atproto.repo.createRecord", status=502, body={"error": "UpstreamFailure"})
    with pytest.raises(TransientError):
        adapter.publish(request_for())
    assert bluesky.records == {}


def test_bluesky_refusal_is_permanent_with_the_networks_message(bluesky):
    adapter = bluesky_adapter(bluesky)
    adapter.check_credentials()
    bluesky.fail_next(
        "POST",
        "/xrpc/com.atproto.repo.createRecord",
        status=400,
        body={"error": "InvalidRequest", "message": "Record/text must not be longer than 3000 graphemes"},
    )
    with pytest.raises(PermanentError, match="must not be longer than 3000 graphemes"):
        adapter.publish(request_for())


def test_bluesky_timeout_after_sending_is_unknown_and_safe_to_resend(bluesky):
    adapter = bluesky_adapter(bluesky, timeout=0.5)
    adapter.check_credentials()
    bluesky.hang_next("POST", "/xrpc/com.atproto.repo.createRecord", seconds=2, after_effect=True)
    request = request_for()
    with pytest.raises(OutcomeUnknown) as caught:
        adapter.publish(request)
    assert caught.value.resend_is_safe  # the record key makes a resend land on the same record
    assert adapter.find_existing(request) is not None
    adapter.publish(request)
    assert len(bluesky.records) == 1
    assert adapter.find_existing(request_for("never sent")) is None


def test_bluesky_unreachable_is_transient():
    adapter = get_adapter(
        "bluesky", settings={"service_url": closed_port_url()}, credentials={"handle": "a.test", "app_password": "x"}
    )
    with pytest.raises(TransientError, match="Could not reach Bluesky"):
        adapter.publish(request_for())


# --- webhook ------------------------------------------------------------------------------------


def webhook_adapter(receiver: WebhookReceiver, *, secret: str = "relay-secret", timeout: float = 2.0, **settings):
    return get_adapter(
        "webhook",
        settings={
            "url": f"{receiver.url}/hook",
            "status_url": f"{receiver.url}/status/{{idempotency_key}}",
            **settings,
        },
        credentials={"secret": secret},
        timeout=timeout,
    )


@pytest.fixture
def relay():
    with WebhookReceiver() as server:
        yield server


def test_webhook_signature_is_checked_and_stale_timestamps_are_refused():
    body = b'{"text": "hi"}'
    now = str(int(time.time()))
    assert verify_signature("s3cret", now, body, sign("s3cret", now, body))
    assert not verify_signature("s3cret", now, body, sign("other", now, body))
    assert not verify_signature("s3cret", now, body + b" ", sign("s3cret", now, body))
    old = str(int(time.time()) - 3600)
    assert not verify_signature("s3cret", old, body, sign("s3cret", old, body))
    assert not verify_signature("s3cret", "yesterday", body, sign("s3cret", "yesterday", body))


def test_webhook_delivers_a_signed_json_post_once_per_key(relay):
    adapter = webhook_adapter(relay)
    request = request_for("Weekly update", link="https://example.com/w")
    first = adapter.publish(request)
    assert adapter.publish(request) == first
    [delivery] = relay.deliveries
    assert delivery["payload"]["text"] == "Weekly update\n\nhttps://example.com/w"
    assert delivery["payload"]["idempotency_key"] == request.idempotency_key
    assert first.external_id == delivery["id"]
    assert adapter.find_existing(request).external_id == delivery["id"]
    assert adapter.find_existing(request_for("not sent")) is None


def test_webhook_wrong_secret_is_a_credential_error(relay):
    with pytest.raises(CredentialError, match="Bad signature"):
        webhook_adapter(relay, secret="wrong").publish(request_for())
    assert relay.deliveries == []


@pytest.mark.parametrize(
    ("status", "headers", "error", "retry_after"),
    [
        (429, {"Retry-After": "7"}, TransientError, 7),
        (503, {}, TransientError, None),
        (400, {}, PermanentError, None),
    ],
)
def test_webhook_status_codes(relay, status, headers, error, retry_after):
    relay.fail_next("POST", "/hook", status=status, headers=headers, body={"error": f"Refused with {status}"})
    with pytest.raises(error, match=f"Refused with {status}") as caught:
        webhook_adapter(relay).publish(request_for())
    assert caught.value.status == status
    assert getattr(caught.value, "retry_after", None) == retry_after
    assert not isinstance(caught.value, CredentialError)


def test_retry_after_accepts_seconds_and_http_dates():
    assert retry_after_seconds("120") == 120
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None
    later = format_datetime(datetime.now(tz=UTC) + timedelta(seconds=90), usegmt=True)
    assert 85 <= retry_after_seconds(later) <= 90


def test_webhook_lost_answer_is_safe_to_resend_only_when_the_receiver_dedupes(relay):
    relay.hang_next("POST", "/hook", seconds=2, after_effect=True)
    request = request_for()
    with pytest.raises(OutcomeUnknown) as caught:
        webhook_adapter(relay, timeout=0.5).publish(request)
    assert caught.value.resend_is_safe
    webhook_adapter(relay).publish(request)
    assert len(relay.deliveries) == 1

    relay.reset_next("POST", "/hook", after_effect=True)
    with pytest.raises(OutcomeUnknown) as caught:
        webhook_adapter(relay, receiver_dedupes="false").publish(request_for())
    assert not caught.value.resend_is_safe


def test_webhook_unreachable_is_transient_and_carries_no_images():
    adapter = get_adapter("webhook", settings={"url": f"{closed_port_url()}/hook"}, credentials={"secret": "s"})
    with pytest.raises(TransientError, match="Could not reach the webhook"):
        adapter.publish(request_for())
    assert codes(adapter.validate(PostContent(text="hi", media=(fake_media(),)))) == {"media_not_supported"}


# --- console --------------------------------------------------------------------------------------


def test_console_writes_each_post_once_per_key(tmp_path):
    log_path = tmp_path / "console.log"
    adapter = get_adapter("console", settings={"log_path": str(log_path)}, credentials={})
    request = request_for("Hello console")
    assert adapter.find_existing(request) is None
    first = adapter.publish(request)
    assert adapter.publish(request) == first
    lines = [json.loads(line) for line in log_path.read_text().splitlines()]
    assert [line["text"] for line in lines] == ["Hello console"]
    assert adapter.find_existing(request) == first
