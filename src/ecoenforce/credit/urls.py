"""Credit URLs: the ratings list (with export), computing a period, an entity's rating."""

from django.urls import path

from ecoenforce.credit import views

app_name = "credit"

urlpatterns = [
    path("", views.credit_list, name="list"),
    path("compute/", views.credit_compute, name="compute"),
    path("entities/<int:entity_id>/", views.credit_entity, name="entity"),
    path("repairs/<int:request_id>/decide/", views.credit_repair_decide_view, name="repair_decide"),
    path("partner-lists/", views.partner_lists, name="partner_lists"),
    path("partner-lists/<int:list_id>/download/", views.partner_list_download, name="partner_list_download"),
]
