"""The CoE's own records, one module per area: people and departments (base), the charter and its
objectives, maturity assessments, the steering committee, the tools inventory and tech-stack
evaluations, and the best-practice library. coe's models import no domain app."""

from coe.models.base import (
    Department,
    Notification,
    TimeStampedModel,
    User,
    WorkerHeartbeat,
    default_time_zone,
    validate_time_zone,
)
from coe.models.charter import CharterVersion, Objective
from coe.models.library import Practice, PracticeAdoption, PracticeAttachment, PracticeTag, PracticeVote
from coe.models.maturity import (
    Competency,
    MaturityAnswer,
    MaturityAssessment,
    MaturityQuestion,
    MaturityRecommendation,
)
from coe.models.steering import (
    ActionItem,
    SteeringAttendance,
    SteeringDecision,
    SteeringMeeting,
    SteeringMember,
    SteeringSeries,
)
from coe.models.techstack import (
    Evaluation,
    EvaluationCandidate,
    EvaluationRequirement,
    EvaluationScore,
    Tool,
    ToolCategory,
)

__all__ = [
    "ActionItem",
    "CharterVersion",
    "Competency",
    "Department",
    "Evaluation",
    "EvaluationCandidate",
    "EvaluationRequirement",
    "EvaluationScore",
    "MaturityAnswer",
    "MaturityAssessment",
    "MaturityQuestion",
    "MaturityRecommendation",
    "Notification",
    "Objective",
    "Practice",
    "PracticeAdoption",
    "PracticeAttachment",
    "PracticeTag",
    "PracticeVote",
    "SteeringAttendance",
    "SteeringDecision",
    "SteeringMeeting",
    "SteeringMember",
    "SteeringSeries",
    "TimeStampedModel",
    "Tool",
    "ToolCategory",
    "User",
    "WorkerHeartbeat",
    "default_time_zone",
    "validate_time_zone",
]
