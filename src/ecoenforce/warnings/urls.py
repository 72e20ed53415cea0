"""Warnings desk URLs."""

from django.urls import path

from ecoenforce.warnings import views

app_name = "warnings"

urlpatterns = [
    path("", views.warning_list, name="list"),
    path("<int:warning_id>/", views.warning_detail, name="detail"),
    path("runs/", views.run_list, name="runs"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("quality/", views.rule_quality, name="quality"),
    path("meters/<str:mn>/", views.meter_detail, name="meter"),
    path("devices/<str:mn>/limits/", views.device_limits, name="device_limits"),
    path("notice-files/<int:attachment_id>/", views.notice_file, name="notice_file"),
]
