"""The enterprise's side: the electronic notices sent to its facilities and its answers."""

from django.urls import path

from ecoenforce.compliance import views

app_name = "compliance"

urlpatterns = [
    path("notices/", views.notice_list, name="notices"),
    path("credit/", views.credit_mine, name="credit"),
    path("credit/<int:rating_id>/repair/", views.credit_repair, name="credit_repair"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice_detail"),
]
