"""Core URLs."""

from django.contrib.auth import views as auth_views
from django.urls import path

from ecoenforce.core import views

app_name = "core"

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/", views.PasswordChangeView.as_view(), name="password_change"),
    path("home/", views.home, name="home"),
    path("audit/", views.audit_list, name="audit_list"),
    path("audit/verify/", views.audit_verify_request, name="audit_verify"),
    path("audit/verifications/<int:job_id>/", views.audit_verification_detail, name="audit_verification"),
    path("tokens/", views.token_list, name="token_list"),
    path("tokens/<int:token_id>/revoke/", views.token_revoke, name="token_revoke"),
]
