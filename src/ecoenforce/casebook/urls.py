"""Typical-case URLs (staff)."""

from django.urls import path

from ecoenforce.casebook import views

app_name = "casebook"

urlpatterns = [
    path("cases/<int:case_id>/curate/", views.curate, name="curate"),
    path("cases/<int:case_id>/withdraw/", views.withdraw, name="withdraw"),
]
