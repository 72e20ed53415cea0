"""Special and supervised case URLs."""

from django.urls import path

from ecoenforce.special import views

app_name = "special"

urlpatterns = [
    path("", views.special_list, name="list"),
    path("new/", views.special_new, name="new"),
    path("<int:special_id>/", views.special_detail, name="detail"),
    path("cases/<int:case_id>/supervision/", views.supervision_action, name="supervision"),
]
