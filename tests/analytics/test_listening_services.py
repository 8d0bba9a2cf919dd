"""Listening services: matching rules, sentiment, idempotent ingestion, CSV import, topic-hours in
SQL against hand counts, spike detection on constructed series, alerts and crisis incidents."""

# ruff: noqa: F811 - the listening fixtures are imported, then named as test arguments

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from analytics.models import ListeningAlert, Mention, TopicHour
from analytics.services import listening as services
from analytics.tasks import listening_process_task
from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification
from governance.models import CrisisIncident
from governance.selectors.crisis import current_freeze
from tests.analytics.listening_helpers import LAST_HOUR, NOW, hours_before, make_topic, row, series  # noqa: F401

pytestmark = pytest.mark.django_db


# --- matching -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("I love Acme!", True),
        ("ACME's new store", True),
        ("#acme rocks", True),
        ("Acmeville is a town", False),
        ("nothing to see", False),
    ],
)
def test_any_terms_match_whole_words_in_any_case(text, expected):
    matcher = services.TopicMatcher.build(any_terms="acme", all_terms="", exclude_terms="")
    assert matcher.matches(text) is expected


def test_all_terms_must_all_appear_and_exclude_terms_must_not():
    matcher = services.TopicMatcher.build(
        any_terms="acme\nacme go", all_terms="checkout\nbroken", exclude_terms="road runner"
    )
    assert matcher.matches("Acme checkout is broken")
    assert not matcher.matches("Acme checkout works")  # not every all-of term
    assert not matcher.matches("checkout broken somewhere else")  # no any-of term
    assert not matcher.matches("Acme checkout broken, said the Road  Runner")  # excluded (any spacing)


def test_all_terms_alone_are_enough():
    matcher = services.TopicMatcher.build(any_terms="", all_terms="acme\ngo", exclude_terms="")
    assert matcher.matches("Go, Acme!")
    assert not matcher.matches("Acme only")


def test_topic_needs_an_any_or_all_term(people):
    with pytest.raises(DomainError) as error:
        services.topic_create(actor=people.manager, fields={"name": "Empty", "any_terms": " \n", "exclude_terms": "x"})
    assert "any_terms" in error.value.fields


def test_only_coe_staff_manage_topics(people):
    for person in (people.leader, people.liaison_a, people.employee):
        with pytest.raises(NotAllowed):
            services.topic_create(actor=person, fields={"name": "Acme", "any_terms": "acme"})


def test_terms_are_stored_one_per_line_trimmed_and_case_folded(make_topic):
    topic = make_topic(any_terms="  Acme \n\nACME\n#Acme  Go ")
    assert topic.any_terms == "acme\n#acme go"


# --- ingestion ----------------------------------------------------------------------------------


def test_ingest_stores_sentiment_and_topics(people, make_topic):
    acme = make_topic()
    other = make_topic(name="Globex", any_terms="globex")
    report = services.mentions_ingest(
        actor=people.manager,
        rows=[
            row("I love Acme, great service!", NOW - timedelta(minutes=30), external_id="a"),
            row("Acme is terrible, awful support.", NOW - timedelta(minutes=20), external_id="b"),
            row("Nothing about anyone", NOW - timedelta(minutes=10), external_id="c"),
        ],
    )
    assert (report.created, report.duplicates, report.matched) == (3, 0, 2)
    good, bad, none = (Mention.objects.get(external_id=x) for x in "abc")
    assert good.sentiment == services.sentiment_of(good.text) > 0.5
    assert bad.sentiment < -0.5
    assert list(good.topics.all()) == [acme] and list(none.topics.all()) == []
    assert not other.mentions.exists()
    assert str(acme.pk) in {str(k) for k in report.touched}


def test_ingest_is_idempotent_on_source_and_external_id(people, make_topic, django_capture_on_commit_callbacks):
    make_topic()
    rows = [row("Acme again", NOW - timedelta(minutes=5), external_id="same")]
    services.mentions_ingest(actor=people.manager, rows=rows)
    with django_capture_on_commit_callbacks() as callbacks:
        report = services.mentions_ingest(actor=people.manager, rows=rows + rows)
    assert (report.created, report.duplicates) == (0, 2)
    assert Mention.objects.count() == 1
    assert callbacks == []  # nothing new: no recompute queued
    assert Mention.objects.get().topics.count() == 1


def test_ingest_queues_processing_after_commit(people, make_topic, django_capture_on_commit_callbacks, monkeypatch):
    make_topic()
    sent = []
    monkeypatch.setattr(listening_process_task, "delay", lambda **kwargs: sent.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        services.mentions_ingest(actor=people.manager, rows=[row("Acme", NOW - timedelta(minutes=5))])
    assert len(sent) == 1 and list(sent[0]["touched"].values())[0][0].startswith("2026-11-20T12:00")


def test_all_or_nothing_stores_nothing_when_a_row_is_bad(people, make_topic):
    make_topic()
    report = services.mentions_ingest(
        actor=people.manager,
        rows=[
            row("Acme fine", NOW),
            row("", NOW),
            row("Acme", NOW, url="not a url"),
            {**row("Acme", NOW), "posted_at": "yesterday"},
        ],
    )
    assert report.created == 0 and len(report.bad_rows) == 3
    assert [r.number for r in report.bad_rows] == [2, 3, 4]
    assert "The text is empty." in report.rows[1].errors
    assert Mention.objects.count() == 0


def test_good_rows_mode_stores_the_good_rows(people, make_topic):
    make_topic()
    report = services.mentions_ingest(
        actor=people.manager, rows=[row("Acme fine", NOW), row("", NOW)], mode="good_rows"
    )
    assert report.created == 1 and len(report.bad_rows) == 1
    assert Mention.objects.count() == 1


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("mentions.csv", text.encode(), content_type="text/csv")


def test_csv_import_reports_bad_rows_by_line_and_all_or_nothing_leaves_the_database_untouched(people, make_topic):
    make_topic()
    content = (
        "source,external_id,author,text,url,posted_at\n"
        "mastodon,1,ann,Acme is great,https://example.org/1,2026-11-20T09:00:00Z\n"
        "mastodon,2,bob,,https://example.org/2,2026-11-20T09:00:00Z\n"
        "mastodon,3,cy,Acme ok,https://example.org/3,not-a-time\n"
    )
    report = services.mentions_import_csv(actor=people.manager, file=_csv(content))
    assert report.created == 0
    assert [(r.number, r.errors[0][:20]) for r in report.bad_rows] == [
        (3, "The text is empty."),
        (4, "“not-a-time” is not "),
    ]
    assert Mention.objects.count() == 0 and TopicHour.objects.count() == 0
    report = services.mentions_import_csv(actor=people.manager, file=_csv(content), mode="good_rows")
    assert report.created == 1 and Mention.objects.count() == 1


def test_csv_import_needs_the_columns(people):
    with pytest.raises(DomainError, match="missing: external_id"):
        services.mentions_import_csv(actor=people.manager, file=_csv("source,text,posted_at\nx,y,z\n"))
    with pytest.raises(DomainError, match="UTF-8"):
        services.mentions_import_csv(
            actor=people.manager, file=SimpleUploadedFile("m.csv", io.BytesIO("é".encode("latin-1")).read())
        )


# --- topic-hours --------------------------------------------------------------------------------


def test_topic_hours_match_hand_counts_and_are_idempotent(people, make_topic):
    acme = make_topic()
    h = LAST_HOUR
    texts = [
        ("Acme is great", h + timedelta(minutes=1)),
        ("Acme is awful", h + timedelta(minutes=59)),
        ("Acme okay", h - timedelta(minutes=1)),  # the hour before
        ("Acme is terrible and bad", h - timedelta(hours=3, minutes=-10)),
    ]
    services.mentions_ingest(actor=people.manager, rows=[row(text, when) for text, when in texts])
    assert services.topic_hours_recompute(since=h - timedelta(hours=5), until=h + timedelta(hours=1)) == 3
    services.topic_hours_recompute(since=h - timedelta(hours=5), until=h + timedelta(hours=1))
    hours = {th.hour: th for th in TopicHour.objects.filter(topic=acme)}
    assert {hour: th.volume for hour, th in hours.items()} == {
        h: 2,
        h - timedelta(hours=1): 1,
        h - timedelta(hours=3): 1,
    }
    expected = (services.sentiment_of("Acme is great") + services.sentiment_of("Acme is awful")) / 2
    assert hours[h].sentiment_avg == pytest.approx(expected, abs=1e-6)
    assert hours[h].negative == 1 and hours[h - timedelta(hours=3)].negative == 1


def test_an_hour_that_lost_its_mentions_is_removed(people, make_topic):
    acme = make_topic()
    services.mentions_ingest(actor=people.manager, rows=[row("Acme", LAST_HOUR + timedelta(minutes=5))])
    services.topic_hours_recompute(since=LAST_HOUR, until=LAST_HOUR + timedelta(hours=1))
    assert acme.hours.count() == 1
    services.topic_update(actor=people.manager, topic=acme, changes={"any_terms": "globex"})
    assert acme.mentions.count() == 0
    services.topic_hours_recompute(topic_ids=[acme.pk], since=LAST_HOUR, until=LAST_HOUR + timedelta(hours=1))
    assert acme.hours.count() == 0


def test_changing_terms_rematches_recent_mentions(people, make_topic):
    from django.utils import timezone

    recent = timezone.now() - timedelta(hours=2)
    services.mentions_ingest(actor=people.manager, rows=[row("Globex is nice", recent), row("Acme is nice", recent)])
    topic = make_topic(name="Rivals", any_terms="initech")
    assert topic.mentions.count() == 0
    services.topic_update(actor=people.manager, topic=topic, changes={"any_terms": "globex\nacme"})
    assert topic.mentions.count() == 2
    assert sum(topic.hours.values_list("volume", flat=True)) == 2
    services.topic_update(actor=people.manager, topic=topic, changes={"exclude_terms": "globex"})
    assert [m.text for m in topic.mentions.all()] == ["Acme is nice"]


def test_process_task_recomputes_touched_hours_and_detects(people, make_topic):
    acme = make_topic()
    services.mentions_ingest(actor=people.manager, rows=[row("Acme", LAST_HOUR + timedelta(minutes=5))])
    touched = {str(acme.pk): [LAST_HOUR.isoformat(), LAST_HOUR.isoformat()]}
    result = listening_process_task.run(touched=touched)
    assert result["hours"] == 1 and acme.hours.get().volume == 1


# --- spike detection ----------------------------------------------------------------------------


def _baseline(topic, volumes):
    series(topic, dict(zip(hours_before(LAST_HOUR, len(volumes)), volumes, strict=True)))


def test_a_spike_above_the_baseline_raises_one_alert(people, make_topic):
    acme = make_topic(baseline_hours=24)
    _baseline(acme, [2, 3, 2, 4, 3, 2] * 4)
    series(acme, {LAST_HOUR: 30})
    alerts = services.alerts_detect(now=NOW)
    assert [(a.kind, a.hour, a.volume) for a in alerts] == [("volume_spike", LAST_HOUR, 30)]
    assert alerts[0].score > 10 and alerts[0].baseline == pytest.approx(2.667, abs=0.01)
    assert services.alerts_detect(now=NOW) == []  # once per hour
    assert services.alerts_detect(now=NOW + timedelta(minutes=20)) == []
    assert ListeningAlert.objects.count() == 1
    told = Notification.objects.filter(kind="listening_alert")
    assert {n.recipient for n in told} == {people.manager, people.member}


def test_noise_with_the_same_mean_is_not_a_spike(people, make_topic):
    acme = make_topic(baseline_hours=24)
    _baseline(acme, [0, 6, 1, 5, 3, 3] * 4)  # mean 3, spread 2
    series(acme, {LAST_HOUR: 7})
    assert services.alerts_detect(now=NOW) == []


def test_hours_without_mentions_count_as_zero(people, make_topic):
    acme = make_topic(baseline_hours=24)
    # 4 mentions in each of 6 hours out of 24: mean 1, not 4 — so 9 mentions is a spike.
    series(acme, dict.fromkeys(hours_before(LAST_HOUR, 24)[::4], 4))
    series(acme, {LAST_HOUR: 9})
    check = services.hour_check(volume=9, sentiment=0, baseline=[(4, 0.2)] * 6, hours=24)
    assert check.mean == 1 and check.z == pytest.approx((9 - 1) / 1.7320508, rel=1e-3)
    assert [a.kind for a in services.alerts_detect(now=NOW)] == ["volume_spike"]


def test_a_few_mentions_on_a_quiet_topic_do_not_page_anyone(people, make_topic):
    acme = make_topic(baseline_hours=24)
    series(acme, {LAST_HOUR: services.MIN_ALERT_VOLUME - 1})
    assert services.alerts_detect(now=NOW) == []


def test_a_sharp_turn_negative_is_found(people, make_topic):
    acme = make_topic(baseline_hours=24, negative_turn="0.4", spike_z=10)
    _baseline(acme, [(5, 0.3)] * 24)
    series(acme, {LAST_HOUR: (6, -0.4)})
    alerts = services.alerts_detect(now=NOW)
    assert [(a.kind, a.score) for a in alerts] == [("negative_turn", pytest.approx(0.7))]


def test_a_mild_dip_is_not_a_turn(people, make_topic):
    acme = make_topic(baseline_hours=24, negative_turn="0.4", spike_z=10)
    _baseline(acme, [(5, 0.3)] * 24)
    series(acme, {LAST_HOUR: (6, 0.1)})
    assert services.alerts_detect(now=NOW) == []


def test_inactive_topics_raise_nothing(people, make_topic):
    acme = make_topic(baseline_hours=24)
    series(acme, {LAST_HOUR: 50})
    services.topic_deactivate(actor=people.manager, topic=acme)
    assert services.alerts_detect(now=NOW) == []


# --- handling alerts ----------------------------------------------------------------------------


@pytest.fixture
def alert(people, make_topic):
    acme = make_topic(baseline_hours=24)
    series(acme, {LAST_HOUR: 40})
    return services.alerts_detect(now=NOW)[0]


def test_dismiss_once(people, alert):
    services.alert_dismiss(actor=people.member, alert=alert)
    alert.refresh_from_db()
    assert alert.status == "dismissed" and alert.handled_by == people.member
    with pytest.raises(Conflict):
        services.alert_dismiss(actor=people.member, alert=alert)
    with pytest.raises(NotAllowed):
        services.alert_dismiss(actor=people.leader, alert=alert)


def test_open_incident_declares_a_crisis_that_freezes_publishing(people, alert):
    incident = services.alert_open_incident(actor=people.manager, alert=alert)
    alert.refresh_from_db()
    assert alert.status == "incident" and alert.incident == incident
    assert incident.status == CrisisIncident.Status.ACTIVE and incident.all_channels
    assert incident.title.startswith("Social listening: Acme")
    assert "[time]" in incident.first_statement
    assert current_freeze(fresh=True).holds(channel_id=12345)
    with pytest.raises(Conflict):
        services.alert_open_incident(actor=people.manager, alert=alert)


def test_only_who_may_declare_opens_an_incident(people, alert):
    with pytest.raises(NotAllowed):
        services.alert_open_incident(actor=people.member, alert=alert)  # CoE member, not a spokesperson
    alert.refresh_from_db()
    assert alert.status == "open" and not CrisisIncident.objects.exists()


def test_many_recent_mentions_are_rematched_by_a_task_after_commit(
    people, make_topic, monkeypatch, django_capture_on_commit_callbacks
):
    from django.utils import timezone

    from analytics.tasks import topic_rematch_task

    services.mentions_ingest(actor=people.manager, rows=[row("Globex rocks", timezone.now() - timedelta(hours=1))])
    monkeypatch.setattr(services, "REMATCH_NOW_UP_TO", 0)
    sent = []
    monkeypatch.setattr(topic_rematch_task, "delay", lambda **kwargs: sent.append(kwargs))
    with django_capture_on_commit_callbacks(execute=True):
        topic = make_topic(name="Globex", any_terms="globex")
    assert topic.mentions.count() == 0 and sent == [{"topic_id": topic.pk}]
    assert topic_rematch_task.run(topic_id=topic.pk) == 1
    assert topic.mentions.count() == 1 and topic.hours.get().volume == 1
