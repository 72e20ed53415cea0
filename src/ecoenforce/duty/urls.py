"""Duty URLs: scorecards (units, people, the records behind a number), requirements, ratings."""

from django.urls import path

from ecoenforce.duty import views

app_name = "duty"

urlpatterns = [
    path("", views.scorecard_list, name="list"),
    path("units/<int:organization_id>/", views.scorecard_unit_view, name="unit"),
    path("units/<int:organization_id>/people/<int:user_id>/", views.scorecard_person_view, name="person"),
    path("units/<int:organization_id>/records/<str:key>/", views.scorecard_records, name="records"),
    path("requirements/", views.requirement_list, name="requirements"),
    path("rate/cases/<int:case_id>/", views.rate_case, name="rate_case"),
    path("rate/tips/<str:code>/", views.rate_tip, name="rate_tip"),
]
