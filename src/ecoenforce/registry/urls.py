"""Registry URLs: entities, the pools import, the enforcement-item catalogue and the positive list."""

from django.urls import path

from ecoenforce.registry import views, views_backtest, views_catalogue, views_pools, views_positive

app_name = "registry"

urlpatterns = [
    path("entities/", views.entity_list, name="entity_list"),
    path("entities/<int:entity_id>/", views.entity_detail, name="entity_detail"),
    path("entities/classify/", views.entity_classify, name="entity_classify"),
    path("risk/backtest/", views_backtest.risk_backtest, name="risk_backtest"),
    path("risk/score-choice/", views_backtest.risk_score_choice, name="risk_score_choice"),
    path("pools/", views_pools.pool_import, name="pool_import"),
    path("pools/template/<str:kind>.xlsx", views_pools.pool_template, name="pool_template"),
    path("pools/imports/<int:import_id>/", views_pools.pool_import_detail, name="pool_import_detail"),
    path("pools/imports/<int:import_id>/confirm/", views_pools.pool_import_confirm, name="pool_import_confirm"),
    path("pools/invitations/", views_pools.pool_invitations, name="pool_invitations"),
    path("first-sign-in/<uidb64>/<token>/", views_pools.FirstSignInView.as_view(), name="first_sign_in"),
    path("catalogue/", views_catalogue.catalogue_home, name="catalogue_home"),
    path("catalogue/new/", views_catalogue.catalogue_new, name="catalogue_new"),
    path("catalogue/<int:year>/", views_catalogue.catalogue_version, name="catalogue_version"),
    path("catalogue/<int:year>/import/", views_catalogue.catalogue_upload, name="catalogue_upload"),
    path("catalogue/<int:year>/publish/", views_catalogue.catalogue_publish_view, name="catalogue_publish"),
    path("catalogue/<int:year>/diff/", views_catalogue.catalogue_diff, name="catalogue_diff"),
    path("positive-list/", views_positive.positive_list, name="positive_list"),
    path("positive-list/<int:entry_id>/", views_positive.positive_entry, name="positive_entry"),
    path("positive-list/<int:entry_id>/decide/", views_positive.positive_decide, name="positive_decide"),
    path("positive-list/<int:entry_id>/removal/", views_positive.positive_removal, name="positive_removal"),
    path("positive-list/apply/<int:entity_id>/", views_positive.positive_apply, name="positive_apply"),
    path("my-facilities/", views_positive.my_facilities, name="my_facilities"),
]
