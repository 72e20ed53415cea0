"""Lead URLs."""

from django.urls import path

from ecoenforce.leads import views

app_name = "leads"

urlpatterns = [
    path("", views.lead_list, name="list"),
    path("new/", views.lead_create, name="create"),
    path("<int:lead_id>/", views.lead_detail, name="detail"),
]
