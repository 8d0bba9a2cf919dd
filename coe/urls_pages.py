"""Pages of the coe app under /coe/: people and the department directory, the charter and its
objectives, maturity assessments, the steering committee, the tools inventory and tech-stack
evaluations, the best-practice library. Each area adds its pages in its section."""

from django.urls import path

from coe import views
from coe.views import charter as charter_views
from coe.views import library as library_views
from coe.views import maturity as maturity_views
from coe.views import steering as steering_views
from coe.views import techstack as techstack_views

app_name = "coe"

urlpatterns = [
    path("people/", views.people_list, name="people_list"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    # --- the department directory (coe.views: list and detail; figures from coe.views.directory) ---
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<slug:slug>/", views.department_detail, name="department_detail"),
    path("departments/<slug:slug>/edit/", views.department_edit, name="department_edit"),
    # --- charter and objectives (coe.views.charter) ---
    path("charter/", charter_views.charter, name="charter"),
    path("charter/new/", charter_views.charter_version_start, name="charter_version_start"),
    path("charter/diff/", charter_views.charter_diff, name="charter_diff"),
    path("charter/versions/<int:number>/", charter_views.charter_version, name="charter_version"),
    path("charter/versions/<int:number>/edit/", charter_views.charter_version_edit, name="charter_version_edit"),
    path(
        "charter/versions/<int:number>/approve/", charter_views.charter_version_approve, name="charter_version_approve"
    ),
    path("charter/objectives/", charter_views.objective_list, name="objective_list"),
    path("charter/objectives/new/", charter_views.objective_create, name="objective_create"),
    path("charter/objectives/<int:pk>/", charter_views.objective_edit, name="objective_edit"),
    path("charter/objectives/<int:pk>/active/", charter_views.objective_deactivate, name="objective_deactivate"),
    # --- best-practice library (coe.views.library) ---
    path("library/", library_views.library, name="library"),
    path("library/submit/", library_views.practice_submit, name="practice_submit"),
    path("library/review/", library_views.practice_review, name="practice_review"),
    path("library/<int:pk>/", library_views.practice_detail, name="practice_detail"),
    path("library/<int:pk>/vote/", library_views.practice_vote, name="practice_vote"),
    path("library/<int:pk>/adopt/", library_views.practice_adopt, name="practice_adopt"),
    path(
        "library/<int:pk>/<str:action>/",
        library_views.practice_curate,
        name="practice_curate",
    ),
    path(
        "library/<int:pk>/attachments/<int:attachment_pk>/",
        library_views.practice_attachment,
        name="practice_attachment",
    ),
    # --- maturity assessments (coe.views.maturity) ---
    path("maturity/", maturity_views.maturity, name="maturity"),
    path("maturity/start/", maturity_views.maturity_start, name="maturity_start"),
    path("maturity/questions/", maturity_views.maturity_questions, name="maturity_questions"),
    path("maturity/questions/<int:pk>/", maturity_views.maturity_question_edit, name="maturity_question_edit"),
    path("maturity/next-steps/", maturity_views.maturity_recommendations, name="maturity_recommendations"),
    path(
        "maturity/next-steps/<int:pk>/",
        maturity_views.maturity_recommendation_edit,
        name="maturity_recommendation_edit",
    ),
    path("maturity/<int:pk>/", maturity_views.maturity_detail, name="maturity_detail"),
    path("maturity/<int:pk>/take/", maturity_views.maturity_take, name="maturity_take"),
    # --- steering committee (coe.views.steering) ---
    path("steering/", steering_views.steering, name="steering"),
    path("steering/invite.ics", steering_views.steering_invite, name="steering_invite"),
    path("steering/series/", steering_views.steering_series_edit, name="steering_series_edit"),
    path("steering/plan/", steering_views.steering_meetings_plan, name="steering_meetings_plan"),
    path("steering/members/new/", steering_views.steering_member_add, name="steering_member_add"),
    path("steering/members/<int:pk>/leave/", steering_views.steering_member_leave, name="steering_member_leave"),
    path("steering/meetings/<int:pk>/", steering_views.steering_meeting, name="steering_meeting"),
    path("steering/meetings/<int:pk>/edit/", steering_views.steering_meeting_edit, name="steering_meeting_edit"),
    path("steering/action-items/", steering_views.steering_action_items, name="steering_action_items"),
    path("steering/action-items/<int:pk>/", steering_views.steering_action_item_edit, name="steering_action_item_edit"),
    # --- tools inventory and tech-stack evaluations (coe.views.techstack) ---
    path("tech-stack/", techstack_views.techstack, name="techstack"),
    path("tech-stack/tools/export.csv", techstack_views.tools_export, name="tools_export"),
    path("tech-stack/tools/new/", techstack_views.tool_create, name="tool_create"),
    path("tech-stack/tools/<int:pk>/", techstack_views.tool_edit, name="tool_edit"),
    path("tech-stack/tools/<int:pk>/retire/", techstack_views.tool_retire, name="tool_retire"),
    path("tech-stack/evaluations/new/", techstack_views.evaluation_create, name="evaluation_create"),
    path("tech-stack/evaluations/<int:pk>/", techstack_views.evaluation_detail, name="evaluation_detail"),
    path("tech-stack/evaluations/<int:pk>/edit/", techstack_views.evaluation_edit, name="evaluation_edit"),
    path(
        "tech-stack/evaluations/<int:pk>/requirements/",
        techstack_views.evaluation_requirement_add,
        name="evaluation_requirement_add",
    ),
    path(
        "tech-stack/evaluations/<int:pk>/requirements/<int:requirement_pk>/<str:action>/",
        techstack_views.evaluation_requirement_action,
        name="evaluation_requirement_action",
    ),
    path(
        "tech-stack/evaluations/<int:pk>/candidates/",
        techstack_views.evaluation_candidate_add,
        name="evaluation_candidate_add",
    ),
    path(
        "tech-stack/evaluations/<int:pk>/candidates/<int:candidate_pk>/delete/",
        techstack_views.evaluation_candidate_delete,
        name="evaluation_candidate_delete",
    ),
    path("tech-stack/evaluations/<int:pk>/start/", techstack_views.evaluation_start, name="evaluation_start"),
    path("tech-stack/evaluations/<int:pk>/score/", techstack_views.evaluation_score, name="evaluation_score"),
    path("tech-stack/evaluations/<int:pk>/finish/", techstack_views.evaluation_finish, name="evaluation_finish"),
    path("tech-stack/evaluations/<int:pk>/report/", techstack_views.evaluation_report, name="evaluation_report"),
]
