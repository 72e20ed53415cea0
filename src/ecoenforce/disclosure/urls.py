"""Public portal URLs."""

from django.urls import path

from ecoenforce.disclosure import views

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path("catalogue/", views.catalogue, name="catalogue"),
]
