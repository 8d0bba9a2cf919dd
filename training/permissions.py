"""Who may do what in training.

Everyone signed in learns: reads published modules, takes quizzes, sees their own progress and
certificates. CoE staff author modules and tracks, assign them, grant accommodations and read the
training report; CoE managers revoke certificates. Leadership reads the report. Anyone, signed in or
not, may verify a certificate by its code. Model permissions are granted in coe.roles; each area adds
its object rules in its section below.
"""

from __future__ import annotations

from django.db.models import QuerySet

from coe.permissions import has_model_or_object_perm
from training.models import Accommodation, Attempt, Certificate, CertificationTrack, Module, ModuleStatus
from training.models.content import Lesson, LessonImage
from training.models.quizzes import Question


def _signed_in(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


# --- learning -----------------------------------------------------------------------------------


def can_learn(user) -> bool:
    return _signed_in(user)


def can_author(user) -> bool:
    return has_model_or_object_perm(user, "training.author_module")


def modules_visible_to(user) -> QuerySet[Module]:
    """Authors see every module (drafts too); learners the published ones."""
    if not _signed_in(user):
        return Module.objects.none()
    if can_author(user):
        return Module.objects.all()
    return Module.objects.filter(status=ModuleStatus.PUBLISHED)


def lessons_visible_to(user) -> QuerySet[Lesson]:
    """The lessons of the modules a person may see: drafts' lessons only for authors."""
    return Lesson.objects.filter(module__in=modules_visible_to(user))


def questions_visible_to(user) -> QuerySet[Question]:
    """Question banks, with their right answers, are for authors only: learners meet questions
    through their attempts, which never carry the answers before submission."""
    if not can_author(user):
        return Question.objects.none()
    return Question.objects.all()


def lesson_images_visible_to(user) -> QuerySet[LessonImage]:
    return LessonImage.objects.filter(module__in=modules_visible_to(user))


def tracks_visible_to(user) -> QuerySet[CertificationTrack]:
    if not _signed_in(user):
        return CertificationTrack.objects.none()
    if can_author(user):
        return CertificationTrack.objects.all()
    return CertificationTrack.objects.filter(is_active=True)


# --- quizzes ------------------------------------------------------------------------------------


def can_grant_accommodation(user) -> bool:
    return has_model_or_object_perm(user, "training.grant_accommodation")


def can_view_all_attempts(user) -> bool:
    """CoE staff see everyone's attempts (to help someone, or to check a dispute)."""
    return has_model_or_object_perm(user, "training.view_attempt")


def attempts_visible_to(user) -> QuerySet[Attempt]:
    """One's own attempts; everyone's for CoE staff."""
    if not _signed_in(user):
        return Attempt.objects.none()
    if can_view_all_attempts(user):
        return Attempt.objects.all()
    return Attempt.objects.filter(user=user)


def accommodations_visible_to(user) -> QuerySet[Accommodation]:
    """One's own accommodations; everyone's for those who grant them."""
    if not _signed_in(user):
        return Accommodation.objects.none()
    if can_grant_accommodation(user) or has_model_or_object_perm(user, "training.view_accommodation"):
        return Accommodation.objects.all()
    return Accommodation.objects.filter(user=user)


# --- certification ------------------------------------------------------------------------------


def can_revoke_certificate(user) -> bool:
    return has_model_or_object_perm(user, "training.revoke_certificate")


def can_manage_tracks(user) -> bool:
    """CoE staff create tracks and change their modules, final exam, validity and whether they are offered."""
    return has_model_or_object_perm(user, "training.change_certificationtrack")


def can_view_all_certificates(user) -> bool:
    return has_model_or_object_perm(user, "training.view_certificate")


def certificates_visible_to(user) -> QuerySet[Certificate]:
    """One's own certificates; everyone's for CoE staff. (Anyone may verify one by its code: that
    page shows only what a verifier needs.)"""
    if not _signed_in(user):
        return Certificate.objects.none()
    if can_view_all_certificates(user):
        return Certificate.objects.all()
    return Certificate.objects.filter(user=user)


# --- assignments and the report -----------------------------------------------------------------


def can_assign(user) -> bool:
    return has_model_or_object_perm(user, "training.add_assignment")


def can_change_assignment(user) -> bool:
    """Move an assignment's due date, the newcomers' days or its note (CoE staff)."""
    return has_model_or_object_perm(user, "training.change_assignment")


def can_cancel_assignment(user) -> bool:
    """Cancel an assignment (it is kept, inactive, with its reminders): CoE staff."""
    return has_model_or_object_perm(user, "training.delete_assignment")


def can_view_all_assignments(user) -> bool:
    """Every assignment with its audience and completion: CoE staff. Everyone else sees the
    assignments that apply to them (My learning)."""
    return has_model_or_object_perm(user, "training.view_assignment")


def can_view_report(user) -> bool:
    return has_model_or_object_perm(user, "training.view_training_report")
