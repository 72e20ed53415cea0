"""The enterprise's side (执法服务): home, notices, credit, rectification tasks, self-inspection, disclosure,
the compliance calendar and help visits."""

from django.urls import path

from ecoenforce.compliance import views, views_portal

app_name = "compliance"

urlpatterns = [
    path("", views_portal.home, name="home"),
    path("notices/", views.notice_list, name="notices"),
    path("credit/", views.credit_mine, name="credit"),
    path("credit/<int:rating_id>/repair/", views.credit_repair, name="credit_repair"),
    path("notices/<int:notice_id>/", views.notice_detail, name="notice_detail"),
    path("rectifications/", views_portal.rectification_list, name="rectifications"),
    path("rectifications/<int:rectification_id>/", views_portal.rectification_detail, name="rectification_detail"),
    path("rectifications/files/<int:file_id>/", views_portal.rectification_file, name="rectification_file"),
    path("self-inspections/", views_portal.self_inspection_list, name="self_inspections"),
    path("self-inspections/new/<int:entity_id>/", views_portal.self_inspection_new, name="self_inspection_new"),
    path("self-inspections/<int:inspection_id>/", views_portal.self_inspection_detail,
         name="self_inspection_detail"),
    path("disclosures/", views_portal.disclosure_list, name="disclosures"),
    path("disclosures/start/", views_portal.disclosure_start, name="disclosure_start"),
    path("disclosures/<int:entity_id>/<int:year>/", views_portal.disclosure_edit, name="disclosure_edit"),
    path("calendar/", views_portal.calendar, name="calendar"),
    path("monitoring/", views_portal.monitoring, name="monitoring"),
    path("help-visits/", views_portal.help_visits, name="help_visits"),
]
