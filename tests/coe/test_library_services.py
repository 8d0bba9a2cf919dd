"""The library's rules: submit with checked attachments, curate (CoE only), vote once, adopt once per
department, and search (Postgres full-text, ranked; and the SQLite-safe fallback)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from coe.errors import Conflict, DomainError, NotAllowed
from coe.models import Notification, Practice, PracticeAttachment
from coe.selectors import library as selectors
from coe.services import library as services
from tests.coe.factories_charter import PracticeFactory, PracticeTagFactory

pytestmark = pytest.mark.django_db


def _submit(person, **extra):
    data = {"title": "Four-hour answers", "summary": "A rota.", "what_was_done": "Two people on call."}
    data.update(extra)
    return services.practice_submit(actor=person, **data)


def test_anyone_submits_and_it_waits_for_the_coe(people):
    practice = _submit(people.employee, attachments=[SimpleUploadedFile("results.pdf", b"%PDF-1.4 x")])
    assert practice.status == Practice.Status.SUBMITTED
    assert practice.attachments.get().name == "results.pdf"
    assert not selectors.practices_any_status(user=people.liaison_b).filter(pk=practice.pk).exists()
    assert selectors.practices_any_status(user=people.employee).filter(pk=practice.pk).exists()
    assert selectors.review_queue(user=people.member).filter(pk=practice.pk).exists()


@pytest.mark.parametrize(
    "upload",
    [
        SimpleUploadedFile("page.html", b"<script>alert(1)</script>", content_type="text/html"),
        SimpleUploadedFile("tool.exe", b"MZ"),
        SimpleUploadedFile("big.pdf", b"0" * (services.ATTACHMENT_MAX_BYTES + 1)),
    ],
    ids=["html", "exe", "too-big"],
)
def test_attachments_refused_when_too_big_or_the_wrong_type(people, upload):
    with pytest.raises(DomainError):
        _submit(people.employee, attachments=[upload])
    assert not Practice.objects.exists() and not PracticeAttachment.objects.exists()


def test_curation_is_for_the_coe_and_the_submitter_hears_back(people):
    practice = _submit(people.employee)
    for who in ["liaison_a", "employee", "leader"]:
        with pytest.raises(NotAllowed):
            services.practice_approve(actor=getattr(people, who), practice=practice)
    with pytest.raises(DomainError):
        services.practice_decline(actor=people.member, practice=practice, note=" ")
    services.practice_decline(actor=people.member, practice=practice, note="Against the networks' rules.")
    practice.refresh_from_db()
    assert practice.status == Practice.Status.DECLINED and practice.curator_note
    assert Notification.objects.filter(recipient=people.employee, kind="practice.curated").count() == 1
    with pytest.raises(Conflict):
        services.practice_feature(actor=people.member, practice=practice)
    services.practice_approve(actor=people.member, practice=practice)
    services.practice_feature(actor=people.member, practice=practice)
    services.practice_tag(actor=people.member, practice=practice, tag_names=["Customer care", "customer care", "Speed"])
    practice.refresh_from_db()
    assert practice.is_featured and sorted(t.slug for t in practice.tags.all()) == ["customer-care", "speed"]


def test_a_declined_practice_never_appears_for_others(people):
    declined = PracticeFactory(title="Buy followers", status=Practice.Status.DECLINED, submitted_by=people.employee)
    for who in ["liaison_a", "liaison_b", "leader", "approver"]:
        user = getattr(people, who)
        assert not selectors.practices_list(user=user).filter(pk=declined.pk).exists()
        assert not selectors.practices_list(user=user, search="followers").filter(pk=declined.pk).exists()
        with pytest.raises(Practice.DoesNotExist):
            selectors.practice_get(user=user, pk=declined.pk)
    assert selectors.my_practices(user=people.employee).get() == declined


def test_vote_once_and_toggle(people):
    practice = PracticeFactory()
    assert services.practice_vote(actor=people.employee, practice=practice) is True
    assert services.practice_vote(actor=people.employee, practice=practice) is False
    assert practice.votes.count() == 1
    assert services.practice_unvote(actor=people.employee, practice=practice) is True
    assert practice.votes.count() == 0
    with pytest.raises(Conflict):
        services.practice_vote(actor=people.employee, practice=PracticeFactory(status=Practice.Status.SUBMITTED))


def test_adopt_once_per_department_and_only_ones_own(people):
    practice = PracticeFactory()
    adoption = services.practice_adopt(actor=people.liaison_a, practice=practice)
    assert adoption.department == people.marketing
    with pytest.raises(Conflict):
        services.practice_adopt(actor=people.employee, practice=practice)  # also Marketing
    with pytest.raises(NotAllowed):
        services.practice_adopt(actor=people.liaison_b, practice=practice, department=people.marketing)
    people.liaison_b.departments.add(people.marketing)
    with pytest.raises(DomainError):
        services.practice_adopt(actor=people.liaison_b, practice=PracticeFactory())  # two departments: pick one
    services.practice_adopt(actor=people.liaison_b, practice=practice, department=people.service)
    assert practice.adoptions.count() == 2


def test_postgres_full_text_search_ranks_the_relevant_one_first(people):
    tag = PracticeTagFactory(name="Customer care")
    PracticeFactory(title="Weekly office hours", summary="Liaisons bring drafts.", what_was_done="Response to drafts.")
    relevant = PracticeFactory(
        title="Response time under four hours",
        summary="Customer questions answered quickly: response time fell.",
        what_was_done="A weekend rota.",
    )
    relevant.tags.add(tag)
    PracticeFactory(title="Launch countdown", summary="Stories and a poll.", results="Response was great.")
    results = list(selectors.practices_list(user=people.employee, search="response time"))
    assert results[0] == relevant
    assert [p.title for p in selectors.practices_list(user=people.employee, search="customer care")] == [relevant.title]
    # stemming: "answering" finds "answered"
    assert relevant in selectors.practices_list(user=people.employee, search="answering")


def test_sqlite_fallback_search_matches_words_anywhere(people, monkeypatch):
    PracticeFactory(title="Weekly office hours", summary="Liaisons bring drafts.")
    wanted = PracticeFactory(title="Launch countdown", summary="Stories and a poll.", channel="Instagram")
    monkeypatch.setattr(selectors.connection, "vendor", "sqlite")
    assert list(selectors.practices_list(user=people.employee, search="instagram poll")) == [wanted]
