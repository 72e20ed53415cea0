"""Registry URLs."""

from django.urls import path

from ecoenforce.registry import views

app_name = "registry"

urlpatterns = [
    path("entities/", views.entity_list, name="entity_list"),
    path("entities/<int:entity_id>/", views.entity_detail, name="entity_detail"),
    path("entities/classify/", views.entity_classify, name="entity_classify"),
]
