"""Tip URLs: public under /tips/, the 12369 entry and photos for staff."""

from django.urls import path

from ecoenforce.social import rewards_views, views

app_name = "social"

urlpatterns = [
    path("", views.tip_new, name="new"),
    path("find/", views.tip_find, name="find"),
    path("phone/", views.phone_tip_new, name="phone"),
    path("photos/<int:photo_id>/", views.tip_photo, name="photo"),
    path("same-facts/<int:lead_id>/", views.tip_same_facts, name="same_facts"),
    path("rewards/", rewards_views.reward_list, name="rewards"),
    path("rewards/<int:reward_id>/", rewards_views.reward_detail, name="reward"),
    path("<str:code>/", views.tip_status, name="status"),
]
