"""Criminal-link URLs."""

from django.urls import path

from ecoenforce.transfers import views

app_name = "transfers"

urlpatterns = [
    path("", views.transfer_list, name="list"),
    path("<int:transfer_id>/", views.transfer_detail, name="detail"),
    path("<int:transfer_id>/letter.pdf", views.transfer_letter, name="letter_pdf"),
    path("cases/<int:case_id>/facts/", views.case_facts, name="case_facts"),
    path("cases/<int:case_id>/propose/", views.propose, name="propose"),
]
