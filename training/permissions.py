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
from training.models import CertificationTrack, Module, ModuleStatus


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


def tracks_visible_to(user) -> QuerySet[CertificationTrack]:
    if not _signed_in(user):
        return CertificationTrack.objects.none()
    if can_author(user):
        return CertificationTrack.objects.all()
    return CertificationTrack.objects.filter(is_active=True)


# --- quizzes ------------------------------------------------------------------------------------


def can_grant_accommodation(user) -> bool:
    return has_model_or_object_perm(user, "training.grant_accommodation")


# --- certification ------------------------------------------------------------------------------


def can_revoke_certificate(user) -> bool:
    return has_model_or_object_perm(user, "training.revoke_certificate")


# --- assignments and the report -----------------------------------------------------------------


def can_assign(user) -> bool:
    return has_model_or_object_perm(user, "training.add_assignment")


def can_view_report(user) -> bool:
    return has_model_or_object_perm(user, "training.view_training_report")
