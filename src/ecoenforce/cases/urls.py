"""Case URLs."""

from django.urls import path

from ecoenforce.cases import views

app_name = "cases"

urlpatterns = [
    path("", views.case_list, name="list"),
    path("<int:case_id>/", views.case_detail, name="detail"),
    path("<int:case_id>/decision.pdf", views.decision_pdf, name="decision_pdf"),
    path("<int:case_id>/documents/<slug:kind>.pdf", views.document_pdf, name="document_pdf"),
    path("<int:case_id>/daily/<int:round_no>/decision.pdf", views.daily_penalty_pdf, name="daily_penalty_pdf"),
]
