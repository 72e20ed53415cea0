"""Monitoring pages URLs."""

from django.urls import path

from ecoenforce.monitoring import views

app_name = "monitoring"

urlpatterns = [
    path("", views.device_list, name="devices"),
    path("devices/<str:mn>/", views.device_detail, name="device"),
    path("rejected/", views.rejected_list, name="rejected"),
    path("quarantine/", views.quarantine_list, name="quarantine"),
    path("quarantine/<str:mn>/release/", views.quarantine_release, name="quarantine_release"),
    path("connections/", views.connection_log, name="connections"),
    path("import/", views.device_import, name="import"),
    path("import/template.xlsx", views.device_import_template, name="import_template"),
    path("register/", views.device_register, name="register"),
]
