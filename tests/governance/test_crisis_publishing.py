"""The crisis freeze inside publishing, through the real sweep and send path against a loopback
Mastodon: held at dispatch and at send time; statements go out through the crisis path with the
plan's shortcut; after the incident a released post is sent exactly once and a withdrawn one
never. One test runs it all with a real Celery worker and Redis."""

# The crisis fixtures are imported (pytest finds them by name); ruff sees their names reused.
# ruff: noqa: F811

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from celery.contrib.testing.worker import start_worker
from django.utils import timezone

from coe.celery import app
from coe.errors import Conflict, DomainError, NotAllowed
from governance.models import AuditEntry, IncidentUpdate
from publishing.models import Post, Publication, StageKind
from publishing.services import crisis as crisis_services
from publishing.services import dispatch, workflow
from tests.governance.crisis_fixtures import approved_due, crisis  # noqa: F401 - fixtures
from tests.publishing.factories import ChannelFactory
from tests.publishing.fakes import FakeMastodon

Status = Publication.Status


@pytest.fixture
def mastodon():
    with FakeMastodon() as server:
        yield server


def _mastodon_channel(department, server, name):
    channel = ChannelFactory(
        name=name, network="mastodon", department=department, settings={"instance_url": server.url}
    )
    channel.set_credentials({"access_token": server.token})
    channel.save()
    return channel


@pytest.fixture
def toot(crisis, mastodon):
    """A Marketing channel on the loopback Mastodon."""
    return _mastodon_channel(crisis.marketing, mastodon, "Marketing Mastodon")


@pytest.fixture(autouse=True)
def quick_publishing(settings, tmp_path):
    settings.VAR_DIR = tmp_path
    settings.PUBLISH_ADAPTER_TIMEOUT = 2


def sweep_and_send() -> list[str]:
    """One beat sweep, then a worker running every task it enqueued."""
    return [
        dispatch.publication_publish(publication_id=pk, worker="test")
        for pk in dispatch.publications_dispatch_due().queued
    ]


def sent(server: FakeMastodon, publication: Publication) -> int:
    """Status requests the network received for this publication (resends included)."""
    return server.posts_by_key[str(publication.idempotency_key)]


def refreshed(publication: Publication) -> Publication:
    publication.refresh_from_db()
    return publication


# --- held ----------------------------------------------------------------------------------------


def test_a_due_publication_on_a_frozen_channel_is_held_at_dispatch(crisis, approved_due, toot, mastodon):
    frozen = approved_due(toot)
    elsewhere = approved_due(crisis.support, text="Tip of the day")
    incident = crisis.declare(channels=[toot])
    result = dispatch.publications_dispatch_due()
    assert result.queued == [elsewhere.pk] and result.held == 1
    frozen = refreshed(frozen)
    assert (frozen.status, frozen.hold_reason) == (Status.HELD, Publication.HoldReason.CRISIS)
    assert f"#{incident.pk}" in frozen.last_error and incident.title in frozen.last_error
    assert sweep_and_send() == [] and sent(mastodon, frozen) == 0  # held stays held
    assert list(crisis_services.frozen_publications(user=crisis.manager, incident=incident)) == [frozen]


def test_a_freeze_declared_between_dispatch_and_send_stops_the_send(crisis, approved_due, toot, mastodon):
    publication = approved_due(toot)
    queued = dispatch.publications_dispatch_due().queued
    assert queued == [publication.pk]
    crisis.declare()  # every channel, while the task message is on its way
    assert dispatch.publication_publish(publication_id=publication.pk) == "held-crisis"  # checked at send time
    publication = refreshed(publication)
    assert (publication.status, publication.hold_reason) == (Status.HELD, Publication.HoldReason.CRISIS)
    assert sent(mastodon, publication) == 0 and mastodon.status_posts == 0


def test_the_send_time_check_reads_the_database_not_a_stale_cache(crisis, approved_due, toot, mastodon):
    from governance.selectors import crisis as selectors

    publication = approved_due(toot)
    dispatch.publications_dispatch_due()
    assert not selectors.current_freeze()  # the cache says: nothing frozen …
    crisis.declare()
    from django.core.cache import cache

    cache.set(selectors.FREEZE_CACHE_KEY, [], 300)  # … and a stale copy still says so
    assert dispatch.publication_publish(publication_id=publication.pk) == "held-crisis"
    assert mastodon.status_posts == 0


# --- the crisis path ----------------------------------------------------------------------------


def test_a_statement_takes_the_shortcut_and_goes_out_on_the_frozen_channel(crisis, approved_due, toot, mastodon):
    ordinary = approved_due(toot)
    incident = crisis.declare(channels=[toot])
    outcome = crisis_services.crisis_statement_create(
        actor=crisis.pr_lead, incident=incident, text="We know checkout is down since 08:05.", channels=[toot]
    )
    statement = outcome.post
    assert statement.crisis_incident == incident and statement.status == Post.Status.IN_REVIEW
    stages = {stage.name: stage for stage in statement.stages.all()}
    approval = stages["Crisis: CoE approval"]
    assert (approval.kind, approval.required_approvals, approval.turnaround_hours) == (StageKind.GATE, 1, 1)
    assert stages["Crisis: escalation contacts"].kind == StageKind.INFORM
    assert not any("policy" in stage.source for stage in stages.values())  # no ordinary policy applies
    assert incident.updates.filter(kind=IncidentUpdate.Kind.STATEMENT, text__contains=f"#{statement.pk}").exists()
    with pytest.raises(NotAllowed):
        workflow.review_approve(actor=crisis.liaison_a, post=statement)
    workflow.review_approve(actor=crisis.member, post=statement)
    statement.refresh_from_db()
    assert statement.status == Post.Status.APPROVED
    assert sweep_and_send() == ["published"]
    published = statement.publications.get()
    assert published.status == Status.PUBLISHED and sent(mastodon, published) == 1
    assert refreshed(ordinary).status == Status.HELD and sent(mastodon, ordinary) == 0  # nobody else goes out


def test_with_no_shortcut_approvals_the_spokespersons_word_is_enough(crisis, toot, mastodon):
    from governance.services import crisis as governance_services

    governance_services.plan_update(actor=crisis.manager, plan=crisis.plan, changes={"shortcut_coe_approvals": 0})
    incident = crisis.declare()
    statement = crisis_services.crisis_statement_create(
        actor=crisis.pr_lead, incident=incident, text="Pausing our planned posts.", channels=[toot]
    ).post
    assert statement.status == Post.Status.APPROVED
    assert sweep_and_send() == ["published"]


def test_a_statement_with_blanks_left_is_refused(crisis, toot):
    incident = crisis.declare()
    with pytest.raises(DomainError, match=r"\[service\], \[time\]") as refused:
        crisis_services.crisis_statement_create(
            actor=crisis.pr_lead, incident=incident, text="We know [service] is down since [time].", channels=[toot]
        )
    assert refused.value.code == "unfilled_blanks" and not Post.objects.filter(crisis_incident=incident).exists()


def test_only_a_spokesperson_writes_statements_and_only_on_the_frozen_channels(crisis, toot):
    incident = crisis.declare(channels=[toot])
    for who in (crisis.liaison_a, crisis.member, crisis.leader):
        with pytest.raises(NotAllowed, match="spokesperson"):
            crisis_services.crisis_statement_create(actor=who, incident=incident, text="Hi", channels=[toot])
    with pytest.raises(NotAllowed, match="froze"):
        crisis_services.crisis_statement_create(
            actor=crisis.pr_lead, incident=incident, text="Hi", channels=[crisis.support]
        )
    crisis.resolve(incident)
    with pytest.raises(Conflict, match="resolved"):
        crisis_services.crisis_statement_create(actor=crisis.pr_lead, incident=incident, text="Hi", channels=[toot])


def test_a_statement_sent_back_is_resubmitted_by_its_spokesperson_on_the_shortcut(crisis, toot):
    incident = crisis.declare()
    statement = crisis_services.crisis_statement_create(
        actor=crisis.pr_lead, incident=incident, text="First words.", channels=[toot]
    ).post
    workflow.review_request_changes(actor=crisis.member, post=statement, comment="Say sorry.")
    workflow.post_update(actor=crisis.pr_lead, post=statement, changes={"text": "Sorry. First words."})
    workflow.post_submit(actor=crisis.pr_lead, post=statement)
    statement.refresh_from_db()
    current = statement.stages.filter(review_round=statement.review_round)
    assert statement.status == Post.Status.IN_REVIEW
    assert set(current.values_list("name", flat=True)) == {"Crisis: CoE approval", "Crisis: escalation contacts"}


# --- deciding on frozen posts -------------------------------------------------------------------


def test_no_publish_anyway_while_the_incident_is_active(crisis, approved_due, toot):
    publication = approved_due(toot)
    incident = crisis.declare()
    dispatch.publications_dispatch_due()
    with pytest.raises(Conflict, match="still frozen") as refused:
        crisis_services.frozen_publication_release(actor=crisis.manager, publication=publication)
    assert refused.value.code == "still_frozen"
    assert refreshed(publication).status == Status.HELD
    with pytest.raises(Conflict, match="Nothing is waiting"):
        workflow.post_publish_now(actor=crisis.manager, post=publication.post)  # "publish now" does not touch it
    crisis.resolve(incident)
    assert refreshed(publication).status == Status.HELD  # resolving alone sends nothing


def test_only_the_manager_decides_on_frozen_posts(crisis, approved_due, toot):
    publication = approved_due(toot)
    incident = crisis.declare()
    dispatch.publications_dispatch_due()
    crisis.resolve(incident)
    for who in (crisis.member, crisis.liaison_a, crisis.pr_lead):
        with pytest.raises(NotAllowed, match="CoE manager"):
            crisis_services.frozen_publication_release(actor=who, publication=publication)
    assert refreshed(publication).status == Status.HELD


def test_after_resolve_release_sends_once_and_withdraw_never(crisis, approved_due, toot, mastodon):
    released, withdrawn, moved = (approved_due(toot, text=f"Deal {n}") for n in range(3))
    incident = crisis.declare()
    assert dispatch.publications_dispatch_due().held == 3
    crisis.resolve(incident)
    later = timezone.now() + timedelta(days=1)
    done, problems = crisis_services.frozen_publications_decide(
        actor=crisis.manager, publications=[moved], decision="reschedule", scheduled_at=later, incident=incident
    )
    assert (done, problems) == (1, [])
    crisis_services.frozen_publication_withdraw(actor=crisis.manager, publication=withdrawn, comment="Tone-deaf now")
    crisis_services.frozen_publication_release(actor=crisis.manager, publication=released)
    with pytest.raises(Conflict, match="no longer frozen"):
        crisis_services.frozen_publication_release(actor=crisis.manager, publication=released)  # a double click
    assert sweep_and_send() == ["published"]
    assert sweep_and_send() == []  # a second beat finds nothing
    assert dispatch.publication_publish(publication_id=released.pk) == "not-claimed"  # a redelivered message
    assert sent(mastodon, released) == 1 and refreshed(released).status == Status.PUBLISHED
    assert sent(mastodon, withdrawn) == 0 and refreshed(withdrawn).status == Status.CANCELLED
    assert Post.objects.get(pk=withdrawn.post_id).status == Post.Status.WITHDRAWN
    moved = refreshed(moved)
    assert (moved.status, moved.scheduled_at) == (Status.SCHEDULED, later) and sent(mastodon, moved) == 0
    timeline = list(incident.updates.values_list("kind", "text"))
    assert timeline[-1][0] == IncidentUpdate.Kind.DECISION and "Rescheduled 1 frozen post" in timeline[-1][1]
    assert released.post.transitions.filter(action="crisis_released", actor=crisis.manager).exists()
    audited = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"publication.released", "publication.rescheduled", "post.withdrawn", "incident.updated"} <= audited


def test_reschedule_during_the_incident_is_held_again_if_still_frozen(crisis, approved_due, toot, mastodon):
    publication = approved_due(toot)
    crisis.declare()
    dispatch.publications_dispatch_due()
    soon = timezone.now() + timedelta(minutes=5)
    crisis_services.frozen_publication_reschedule(actor=crisis.manager, publication=publication, scheduled_at=soon)
    assert refreshed(publication).status == Status.SCHEDULED
    assert dispatch.publications_dispatch_due(now=soon + timedelta(seconds=1)).held == 1
    assert refreshed(publication).status == Status.HELD and mastodon.status_posts == 0
    with pytest.raises(DomainError, match="future"):
        crisis_services.frozen_publication_reschedule(
            actor=crisis.manager, publication=publication, scheduled_at=timezone.now() - timedelta(minutes=1)
        )


def test_bulk_decisions_report_each_refusal(crisis, approved_due, toot, mastodon):
    first, second = approved_due(toot, text="One"), approved_due(toot, text="Two")
    incident = crisis.declare()
    dispatch.publications_dispatch_due()
    done, problems = crisis_services.frozen_publications_decide(
        actor=crisis.manager, publications=[first, second], decision="release"
    )
    assert done == 0 and len(problems) == 2 and all("still frozen" in problem for problem in problems)
    crisis.resolve(incident)
    done, problems = crisis_services.frozen_publications_decide(
        actor=crisis.manager, publications=[first, second], decision="release"
    )
    assert (done, problems) == (2, [])
    assert sorted(sweep_and_send()) == ["published", "published"]


# --- with a real worker -------------------------------------------------------------------------


def _wait_for(condition, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.2)
    return condition()


@pytest.mark.django_db(transaction=True)
def test_crisis_freeze_with_a_real_worker(crisis, approved_due, toot, mastodon, redis_url):
    """Beat's sweep and a real Celery worker through Redis: a post due during the incident is not
    sent (held at the sweep, or at send time when the freeze came after the sweep); after the
    incident a released post is sent exactly once and a withdrawn one never."""
    assert app.conf.broker_url.startswith("redis://")
    app.control.purge()  # leftovers of an interrupted earlier run must not count
    on_its_way = approved_due(toot, text="Already queued when the crisis broke")
    # The sweep commits and enqueues the task message before anyone knows of the crisis.
    assert dispatch.publications_dispatch_due().queued == [on_its_way.pk]
    incident = crisis.declare()
    due_during = approved_due(toot, text="Due during the incident")
    to_withdraw = approved_due(toot, text="Unbeatable speed, guaranteed")

    with start_worker(app, pool="solo", perform_ping_check=False, shutdown_timeout=10):
        # The worker takes the message sent before the freeze: the claim checks it and holds.
        assert _wait_for(lambda: refreshed(on_its_way).status == Status.HELD)
        assert dispatch.publications_dispatch_due().queued == []  # the sweep holds the others
        time.sleep(1)  # give a wrongly queued send the chance to happen
        assert {refreshed(p).status for p in (on_its_way, due_during, to_withdraw)} == {Status.HELD}
        assert mastodon.status_posts == 0

        crisis.resolve(incident)
        crisis_services.frozen_publication_withdraw(actor=crisis.manager, publication=to_withdraw)
        for publication in (on_its_way, due_during):
            crisis_services.frozen_publication_release(actor=crisis.manager, publication=publication)
        assert sorted(dispatch.publications_dispatch_due().queued) == sorted([on_its_way.pk, due_during.pk])
        assert _wait_for(
            lambda: all(refreshed(p).status == Status.PUBLISHED for p in (on_its_way, due_during)), seconds=30
        )
        # Another beat and a duplicated message change nothing.
        from publishing.tasks import publications_publish_task

        assert dispatch.publications_dispatch_due().queued == []
        publications_publish_task.delay([on_its_way.pk, due_during.pk])
        time.sleep(1.5)

    assert sent(mastodon, on_its_way) == 1 and sent(mastodon, due_during) == 1
    assert sent(mastodon, to_withdraw) == 0 and mastodon.status_posts == 2
    assert refreshed(to_withdraw).status == Status.CANCELLED
