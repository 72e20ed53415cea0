"""On-site URLs under /onsite/."""

from django.urls import path

from ecoenforce.onsite import views

app_name = "onsite"

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("new/<str:subject>/<int:subject_id>/", views.record_new, name="record_new"),
    path("records/<int:record_id>/", views.record_detail, name="record"),
    path("records/<int:record_id>/pdf/", views.record_pdf, name="record_pdf"),
    path("inquiries/new/<str:subject>/<int:subject_id>/", views.inquiry_new, name="inquiry_new"),
    path("inquiries/<int:record_id>/", views.inquiry_detail, name="inquiry"),
    path("cases/<int:case_id>/evidence/", views.case_evidence_list, name="case_evidence"),
    path("<str:kind>/<int:record_id>/evidence/", views.evidence_list, name="evidence_list"),
    path("<str:kind>/<int:record_id>/signatures/<int:signature_id>/", views.signature_image, name="signature"),
    path("evidence/<int:evidence_id>/", views.evidence_file, name="evidence_file"),
]
