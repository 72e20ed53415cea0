"""Public portal URLs."""

from django.urls import path

from ecoenforce.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/pools.json", views.round_pools, name="round_pools"),
    path("rounds/<int:round_id>/round.json", views.round_file, name="round_file"),
]
