"""Pages of the coe app under /coe/: people and the department directory, the charter and its
objectives, maturity assessments, the steering committee, the tools inventory and tech-stack
evaluations, the best-practice library. Each area adds its pages in its section."""

from django.urls import path

from coe import views

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
    # --- best-practice library (coe.views.library) ---
    # --- maturity assessments (coe.views.maturity) ---
    # --- steering committee (coe.views.steering) ---
    # --- tools inventory and tech-stack evaluations (coe.views.techstack) ---
]
