from django.urls import path

from coe import views

app_name = "coe"

urlpatterns = [
    path("people/", views.people_list, name="people_list"),
    path("people/<int:pk>/", views.person_edit, name="person_edit"),
    path("departments/", views.department_list, name="department_list"),
    path("departments/new/", views.department_create, name="department_create"),
    path("departments/<slug:slug>/", views.department_detail, name="department_detail"),
    path("departments/<slug:slug>/edit/", views.department_edit, name="department_edit"),
]
