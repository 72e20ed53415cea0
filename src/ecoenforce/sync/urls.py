"""The installable web app's files at the site root (a service worker's scope is the folder it is served from)."""

from django.urls import path

from ecoenforce.sync import views

app_name = "sync"

urlpatterns = [
    path("sw.js", views.service_worker, name="service_worker"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("offline/", views.offline_page, name="offline"),
]
