"""Dashboard URLs."""

from django.urls import path

from ecoenforce.dashboard import views

app_name = "dashboard"

urlpatterns = [path("", views.home, name="home")]
