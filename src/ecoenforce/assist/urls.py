"""Third-party assistance pages."""

from django.urls import path

from ecoenforce.assist import views

app_name = "assist"

urlpatterns = [
    path("", views.assignment_list, name="list"),
    path("new/", views.assignment_new, name="new"),
    path("<int:assignment_id>/", views.assignment_detail, name="detail"),
    path("findings/", views.finding_list, name="findings"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding"),
    path("files/<int:file_id>/", views.finding_file, name="file"),
    path("quality/", views.quality, name="quality"),
]
