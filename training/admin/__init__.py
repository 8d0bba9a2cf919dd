"""Admin of the training app, one module per area; every model registered with search and filters."""

from training.admin import (  # noqa: F401 - attempts, accommodations, tracks, certificates
    assignments,
    certification,
    content,
    quizzes,
)
