"""Public portal URLs."""

from django.urls import path

from ecoenforce.disclosure import views, views_reports

app_name = "disclosure"

urlpatterns = [
    path("", views.home, name="home"),
    path("decisions/<int:decision_id>/", views.decision_detail, name="decision_detail"),
    path("facilities/", views.facilities, name="facilities"),
    path("facilities/<int:facility_id>/", views.facility_detail, name="facility_detail"),
    path("data/decisions.csv", views.decisions_csv, name="decisions_csv"),
    path("data/round-results.csv", views.round_results_csv, name="round_results_csv"),
    path("catalogue/", views.catalogue, name="catalogue"),
    path("officers/", views.officers, name="officers"),
    path("procedure/", views.procedure, name="procedure"),
    path("rounds/", views.rounds, name="rounds"),
    path("rounds/<int:round_id>/", views.round_detail, name="round_detail"),
    path("rounds/<int:round_id>/pools.json", views.round_pools, name="round_pools"),
    path("rounds/<int:round_id>/round.json", views.round_file, name="round_file"),
    path("disclosures/", views_reports.reports, name="reports"),
    path("disclosures/<int:report_id>/", views_reports.report_detail, name="report_detail"),
    path("typical-cases/", views.typical_cases, name="typical_cases"),
    path("typical-cases/<int:typical_id>/", views.typical_detail, name="typical_detail"),
]
