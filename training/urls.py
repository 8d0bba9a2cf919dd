"""Pages of the training app: My learning, modules and lessons, quizzes, certification and public
verification, authoring, assignments and the training report."""

from django.urls import path

from training.views import assignments as assignment_views
from training.views import authoring as authoring_views
from training.views import certification as certification_views
from training.views import content as content_views
from training.views import my_learning as my_learning_views
from training.views import quizzes as quiz_views

app_name = "training"

urlpatterns: list = [
    # --- learning: My learning, modules, lessons (training.views.learning) ---
    path("modules/", content_views.catalogue, name="catalogue"),
    path("modules/<slug:slug>/", content_views.module_detail, name="module_detail"),
    path("modules/<slug:slug>/lessons/<int:position>/", content_views.lesson_detail, name="lesson_detail"),
    path("modules/<slug:slug>/lessons/<int:position>/read/", content_views.lesson_read, name="lesson_read"),
    path("modules/<slug:slug>/images/<str:name>", content_views.lesson_image, name="lesson_image"),
    # --- quizzes (training.views.quizzes) ---
    path("modules/<slug:slug>/quiz/", quiz_views.quiz, name="quiz"),
    path("attempts/", quiz_views.attempt_list, name="attempt_list"),
    path("attempts/<int:pk>/", quiz_views.attempt_detail, name="attempt_detail"),
    path("attempts/<int:pk>/answer/", quiz_views.attempt_answer, name="attempt_answer"),
    path("attempts/<int:pk>/submit/", quiz_views.attempt_submit, name="attempt_submit"),
    path("accommodations/", quiz_views.accommodations, name="accommodations"),
    path("accommodations/<int:pk>/withdraw/", quiz_views.accommodation_withdraw, name="accommodation_withdraw"),
    # --- certification and verification (training.views.certification) ---
    path("tracks/", certification_views.track_list, name="track_list"),
    path("tracks/new/", certification_views.track_create, name="track_create"),
    path("tracks/<slug:slug>/", certification_views.track_detail, name="track_detail"),
    path("tracks/<slug:slug>/edit/", certification_views.track_edit, name="track_edit"),
    path("certificates/", certification_views.certificate_list, name="certificate_list"),
    path("certificates/export.csv", certification_views.certificate_export, name="certificate_export"),
    path("certificates/<str:code>/", certification_views.certificate_detail, name="certificate_detail"),
    path("certificates/<str:code>/revoke/", certification_views.certificate_revoke, name="certificate_revoke"),
    path("verify/", certification_views.verify_lookup, name="verify_lookup"),
    path("verify/<str:code>/", certification_views.verify, name="verify"),
    # --- authoring, import and export (training.views.authoring) ---
    path("author/", authoring_views.author_modules, name="author_modules"),
    path("author/modules/new/", authoring_views.author_module_create, name="author_module_create"),
    path("author/modules/import/", authoring_views.author_module_import, name="author_module_import"),
    path("author/modules/<slug:slug>/", authoring_views.author_module, name="author_module"),
    path("author/modules/<slug:slug>/edit/", authoring_views.author_module_edit, name="author_module_edit"),
    path("author/modules/<slug:slug>/publish/", authoring_views.author_module_publish, name="author_module_publish"),
    path("author/modules/<slug:slug>/archive/", authoring_views.author_module_archive, name="author_module_archive"),
    path("author/modules/<slug:slug>/restore/", authoring_views.author_module_restore, name="author_module_restore"),
    path("author/modules/<slug:slug>/delete/", authoring_views.author_module_delete, name="author_module_delete"),
    path("author/modules/<slug:slug>/export.json", authoring_views.author_module_export, name="author_module_export"),
    path("author/modules/<slug:slug>/preview/", authoring_views.author_module_preview, name="author_module_preview"),
    path(
        "author/modules/<slug:slug>/preview/lessons/<int:position>/",
        authoring_views.author_lesson_preview,
        name="author_lesson_preview",
    ),
    path("author/modules/<slug:slug>/preview/quiz/", authoring_views.author_quiz_preview, name="author_quiz_preview"),
    path("author/modules/<slug:slug>/markdown/", authoring_views.author_markdown_preview, name="author_markdown"),
    path("author/modules/<slug:slug>/lessons/new/", authoring_views.author_lesson_create, name="author_lesson_create"),
    path(
        "author/modules/<slug:slug>/lessons/<int:pk>/edit/",
        authoring_views.author_lesson_edit,
        name="author_lesson_edit",
    ),
    path(
        "author/modules/<slug:slug>/lessons/<int:pk>/delete/",
        authoring_views.author_lesson_delete,
        name="author_lesson_delete",
    ),
    path(
        "author/modules/<slug:slug>/lessons/<int:pk>/move/",
        authoring_views.author_lesson_move,
        name="author_lesson_move",
    ),
    path("author/modules/<slug:slug>/images/", authoring_views.author_image_upload, name="author_image_upload"),
    path(
        "author/modules/<slug:slug>/images/<str:name>/delete/",
        authoring_views.author_image_delete,
        name="author_image_delete",
    ),
    path("author/modules/<slug:slug>/questions/", authoring_views.author_questions, name="author_questions"),
    path(
        "author/modules/<slug:slug>/questions/new/", authoring_views.author_question_edit, name="author_question_create"
    ),
    path(
        "author/modules/<slug:slug>/questions/<int:pk>/edit/",
        authoring_views.author_question_edit,
        name="author_question_edit",
    ),
    path(
        "author/modules/<slug:slug>/questions/<int:pk>/remove/",
        authoring_views.author_question_remove,
        name="author_question_remove",
    ),
    path(
        "author/modules/<slug:slug>/questions/<int:pk>/activate/",
        authoring_views.author_question_activate,
        {"active": True},
        name="author_question_activate",
    ),
    path(
        "author/modules/<slug:slug>/questions/<int:pk>/deactivate/",
        authoring_views.author_question_activate,
        {"active": False},
        name="author_question_deactivate",
    ),
    # --- assignments and the report (training.views.assignments); My learning (training.views.my_learning) ---
    path("", my_learning_views.my_learning, name="my_learning"),
    path("assignments/", assignment_views.assignment_list, name="assignments"),
    path("assignments/new/", assignment_views.assignment_create, name="assignment_create"),
    path("assignments/<int:pk>/", assignment_views.assignment_detail, name="assignment_detail"),
    path("assignments/<int:pk>/edit/", assignment_views.assignment_edit, name="assignment_edit"),
    path("assignments/<int:pk>/cancel/", assignment_views.assignment_cancel, name="assignment_cancel"),
    path("report/", assignment_views.report, name="report"),
    path("report/export.csv", assignment_views.report_export, name="report_export"),
]
