"""Department coordination pages."""

from django.urls import path

from ecoenforce.referrals import views

app_name = "referrals"

urlpatterns = [
    path("", views.referral_list, name="list"),
    path("new/", views.referral_new, name="new"),
    path("<int:referral_id>/", views.referral_detail, name="detail"),
    path("files/<int:file_id>/", views.referral_file, name="file"),
    path("joint/", views.joint_list, name="joint_list"),
    path("joint/new/", views.joint_new, name="joint_new"),
    path("joint/<int:inspection_id>/", views.joint_detail, name="joint_detail"),
]
