"""The work queue's URL (the landing page of every role that has work handed to it)."""

from django.urls import path

from ecoenforce.core import views_queue

app_name = "work"

urlpatterns = [path("", views_queue.work_queue, name="queue")]
