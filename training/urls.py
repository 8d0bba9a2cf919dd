"""Pages of the training app: My learning, modules and lessons, quizzes, certification and public
verification, authoring, assignments and the training report."""

from django.urls import path  # noqa: F401 - each area adds its pages below

app_name = "training"

urlpatterns: list = [
    # --- learning: My learning, modules, lessons (training.views.learning) ---
    # --- quizzes (training.views.quizzes) ---
    # --- certification and verification (training.views.certification) ---
    # --- authoring, import and export (training.views.authoring) ---
    # --- assignments and the report (training.views.assignments) ---
]
