"""Training's records: modules and their lessons, quizzes (question banks, attempts, accommodations),
certification tracks and certificates, and assignments."""

from training.models.assignments import Assignment, AssignmentReminder
from training.models.certification import Certificate, CertificationTrack, TrackModule
from training.models.content import FeedbackMode, Lesson, LessonRead, Level, Module, ModuleStatus
from training.models.quizzes import (
    Accommodation,
    Attempt,
    AttemptQuestion,
    Choice,
    Question,
    QuestionKind,
)

__all__ = [
    "Accommodation",
    "Assignment",
    "AssignmentReminder",
    "Attempt",
    "AttemptQuestion",
    "Certificate",
    "CertificationTrack",
    "Choice",
    "FeedbackMode",
    "Lesson",
    "LessonRead",
    "Level",
    "Module",
    "ModuleStatus",
    "Question",
    "QuestionKind",
    "TrackModule",
]
