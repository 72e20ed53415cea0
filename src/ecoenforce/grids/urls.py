"""Grid pages: grids and the map, plans, patrols (the member's phone pages), problems."""

from django.urls import path

from ecoenforce.grids import views

app_name = "grids"

urlpatterns = [
    path("", views.grid_list, name="list"),
    path("new/", views.grid_new, name="new"),
    path("map/", views.grid_map, name="map"),
    path("<int:grid_id>/", views.grid_detail, name="detail"),
    path("plans/new/", views.plan_new, name="plan_new"),
    path("patrols/", views.patrol_list, name="patrol_list"),
    path("patrols/new/", views.patrol_new, name="patrol_new"),
    path("patrols/<int:patrol_id>/", views.patrol_detail, name="patrol_detail"),
    path("patrols/<int:patrol_id>/track/", views.patrol_track, name="patrol_track"),
    path("patrols/<int:patrol_id>/problem/", views.patrol_problem, name="patrol_problem"),
    path("patrols/<int:patrol_id>/finish/", views.patrol_finish, name="patrol_finish"),
    path("photos/<int:photo_id>/", views.patrol_photo, name="photo"),
    path("problems/", views.problem_list, name="problem_list"),
]
