"""Sampling pages: the request list, a new request, one request with its custody and result, the report file."""

from django.urls import path

from ecoenforce.sampling import views

app_name = "sampling"

urlpatterns = [
    path("", views.request_list, name="list"),
    path("new/", views.request_new, name="new"),
    path("<int:request_id>/", views.request_detail, name="detail"),
    path("<int:request_id>/report/", views.report_file, name="report"),
]
