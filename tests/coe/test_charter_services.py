"""The charter's rules: drafts from the current version, only drafts change, one current version,
only the CoE manager approves; objectives kept by CoE staff; the word diff, hand-worked."""

import datetime

import pytest

from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import CharterVersion, Notification
from coe.selectors.charter import charter_diff
from coe.services import charter as services
from coe.worddiff import word_diff
from tests.coe.factories_charter import CharterVersionFactory, ObjectiveFactory

pytestmark = pytest.mark.django_db


def test_word_diff_hand_worked():
    diff = word_diff("We publish for every department.", "We help every department publish.")
    # a: We|publish|for|every|department.   b: We|help|every|department|publish.
    assert diff.ops == [
        ("equal", "We "),
        ("removed", "publish for "),
        ("added", "help "),
        ("equal", "every "),
        ("removed", "department."),
        ("added", "department publish."),
    ]
    assert (diff.words_added, diff.words_removed) == (3, 3)
    assert str(diff.html).startswith('We <del class="bg-danger-subtle text-danger-emphasis">publish for </del>')


def test_word_diff_escapes_and_reports_unchanged():
    assert word_diff("a <b>", "a <b>").unchanged
    assert "&lt;script&gt;" in str(word_diff("", "<script>").html)


def test_charter_diff_per_section():
    old = CharterVersionFactory(number=1, vision="Be part of the conversation.", partners="")
    new = CharterVersionFactory.build(number=2, vision="Be part of every conversation.", partners="Amplify partners.")
    new.business_goals, new.how_achieved, new.how_measured = old.business_goals, old.how_achieved, old.how_measured
    sections = {s.name: s.diff for s in charter_diff(old=old, new=new)}
    assert sections["vision"].words_added == 1 and sections["vision"].words_removed == 1
    assert sections["partners"].words_added == 2 and sections["partners"].words_removed == 0
    assert sections["business_goals"].unchanged
    assert [s.name for s in charter_diff(old=old, new=new)] == [n for n, _ in CharterVersion.SECTIONS]


def test_start_copies_the_current_version(people):
    CharterVersionFactory(number=1, status=CharterVersion.Status.APPROVED, vision="Current vision")
    draft = services.charter_version_start(actor=people.manager)
    assert (draft.number, draft.status, draft.vision) == (2, CharterVersion.Status.DRAFT, "Current vision")
    with pytest.raises(Conflict):
        services.charter_version_start(actor=people.manager)


@pytest.mark.parametrize("who", ["member", "liaison_a", "employee", "leader"])
def test_only_the_manager_writes_and_approves(people, who):
    draft = CharterVersionFactory(number=1)
    with pytest.raises(NotAllowed):
        services.charter_version_start(actor=getattr(people, who))
    with pytest.raises(NotAllowed):
        services.charter_version_approve(actor=getattr(people, who), version=draft)
    with pytest.raises(NotAllowed):
        services.charter_version_update(actor=getattr(people, who), version=draft, changes={"vision": "x"})


def test_approve_supersedes_the_old_one_and_tells_staff_and_leadership(people):
    old = CharterVersionFactory(number=1, status=CharterVersion.Status.APPROVED)
    draft = CharterVersionFactory(number=2, change_note="Every department publishes.")
    services.charter_version_approve(actor=people.manager, version=draft)
    old.refresh_from_db()
    draft.refresh_from_db()
    assert old.status == CharterVersion.Status.SUPERSEDED
    assert draft.status == CharterVersion.Status.APPROVED
    assert draft.approved_by == people.manager and draft.approved_at is not None
    assert CharterVersion.objects.filter(status=CharterVersion.Status.APPROVED).count() == 1
    told = set(Notification.objects.filter(kind="charter.approved").values_list("recipient__username", flat=True))
    assert told == {"member", "leader"}


def test_only_drafts_change_or_get_approved(people):
    approved = CharterVersionFactory(number=1, status=CharterVersion.Status.APPROVED, vision="Fixed")
    with pytest.raises(Conflict):
        services.charter_version_update(actor=people.manager, version=approved, changes={"vision": "Changed"})
    with pytest.raises(Conflict):
        services.charter_version_approve(actor=people.manager, version=approved)
    approved.refresh_from_db()
    assert approved.vision == "Fixed"


def test_a_draft_needs_its_core_sections_and_names_no_tools(people):
    draft = CharterVersionFactory(number=1)
    with pytest.raises(DomainError):
        services.charter_version_update(actor=people.manager, version=draft, changes={"vision": ""})
    with pytest.raises(DomainError):
        services.charter_version_update(actor=people.manager, version=draft, changes={"tools": "Hootsuite"})
    services.charter_version_update(actor=people.manager, version=draft, changes={"customers": "Answers in 4 h"})
    draft.refresh_from_db()
    assert draft.customers == "Answers in 4 h"


def test_objectives_kept_by_coe_staff(people):
    objective = services.objective_create(
        actor=people.member,
        title="Grow awareness",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        department=people.marketing,
        owner=people.liaison_a,
    )
    with pytest.raises(DomainError):
        services.objective_update(
            actor=people.member, objective=objective, changes={"period_end": datetime.date(2025, 1, 1)}
        )
    services.objective_deactivate(actor=people.member, objective=objective)
    objective.refresh_from_db()
    assert objective.is_active is False
    with pytest.raises(NotAllowed):
        services.objective_update(actor=people.liaison_a, objective=ObjectiveFactory(), changes={"title": "x"})
