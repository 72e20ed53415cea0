"""The bureau's side of the enterprise service: rectification tasks and help visits."""

from django.urls import path

from ecoenforce.compliance import views_staff

app_name = "compliance_staff"

urlpatterns = [
    path("rectifications/", views_staff.rectification_list, name="rectifications"),
    path("rectifications/new/", views_staff.rectification_new, name="rectification_new"),
    path("rectifications/<int:rectification_id>/", views_staff.rectification_detail, name="rectification"),
    path("help-visits/", views_staff.help_visit_list, name="help_visits"),
    path("help-visits/new/", views_staff.help_visit_new, name="help_visit_new"),
]
