"""Planning URLs: annual plans, double-random rounds, inspectors' tasks."""

from django.urls import path

from ecoenforce.planning import views

app_name = "planning"

urlpatterns = [
    path("plans/", views.plan_list, name="plan_list"),
    path("plans/<int:plan_id>/", views.plan_detail, name="plan_detail"),
    path("rounds/", views.round_list, name="round_list"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/pools.json", views.round_pools, name="round_pools"),
    path("rounds/<int:round_id>/openings.json", views.round_openings, name="round_openings"),
    path("tasks/", views.task_list, name="task_list"),
    path("tasks/<int:task_id>/", views.task_detail, name="task_detail"),
    path("returned/", views.returned_list, name="returned"),
]
