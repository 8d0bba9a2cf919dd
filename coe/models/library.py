"""The best-practice library: anyone submits a practice or case study; the CoE curates (approves,
features, tags); people vote and mark "we adopted this" for their department."""

from __future__ import annotations

from django.conf import settings
from django.db import models

from coe.models.base import Department, TimeStampedModel


class PracticeTag(models.Model):
    name = models.CharField(max_length=60, unique=True)
    slug = models.SlugField(max_length=60, unique=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Practice(TimeStampedModel):
    class Status(models.TextChoices):
        SUBMITTED = "submitted", "Waiting for the CoE"
        APPROVED = "approved", "In the library"
        DECLINED = "declined", "Declined"

    class Kind(models.TextChoices):
        PRACTICE = "practice", "Practice"
        CASE_STUDY = "case_study", "Case study"

    title = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRACTICE)
    department = models.ForeignKey(
        Department, null=True, blank=True, on_delete=models.SET_NULL, related_name="practices"
    )
    channel = models.CharField(max_length=100, blank=True, help_text="Where it was done: a network or channel.")
    summary = models.CharField(max_length=300)
    what_was_done = models.TextField()
    results = models.TextField(blank=True, help_text="What came of it, with figures.")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SUBMITTED)
    is_featured = models.BooleanField(default=False)
    tags = models.ManyToManyField(PracticeTag, blank=True, related_name="practices")
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    curated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    curated_at = models.DateTimeField(null=True, blank=True)
    curator_note = models.CharField(max_length=300, blank=True, help_text="Told to the submitter when declined.")

    class Meta:
        ordering = ["-is_featured", "-created_at"]
        permissions = [("curate_practice", "Can approve, decline, feature and tag practices")]

    def __str__(self) -> str:
        return self.title


class PracticeAttachment(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(upload_to="practices/%Y/%m/")
    name = models.CharField(max_length=200)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.name


class PracticeVote(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="votes")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    voted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "user"], name="coe_practice_vote_once")]

    def __str__(self) -> str:
        return f"{self.user_id} votes for {self.practice_id}"


class PracticeAdoption(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="adoptions")
    department = models.ForeignKey(Department, on_delete=models.CASCADE, related_name="practice_adoptions")
    adopted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    note = models.CharField(max_length=300, blank=True)
    adopted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["practice", "department"], name="coe_practice_adopted_once")]

    def __str__(self) -> str:
        return f"{self.department} adopted {self.practice}"
