"""Top-level URL map: staff UI per app, the public portal, the JSON API and the admin."""

from django.contrib import admin
from django.urls import include, path

from ecoenforce.api import api

urlpatterns = [
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("admin/", admin.site.urls),
    path("", include("ecoenforce.dashboard.urls")),
    path("accounts/", include("ecoenforce.core.urls")),
    path("work/", include("ecoenforce.core.urls_work")),
    path("notifications/", include("ecoenforce.notifications.urls")),
    path("registry/", include("ecoenforce.registry.urls")),
    path("planning/", include("ecoenforce.planning.urls")),
    path("leads/", include("ecoenforce.leads.urls")),
    path("cases/", include("ecoenforce.cases.urls")),
    path("warnings/", include("ecoenforce.warnings.urls")),
    path("credit/", include("ecoenforce.credit.urls")),
    path("enterprise/", include("ecoenforce.compliance.urls")),
    path("monitoring/", include("ecoenforce.monitoring.urls")),
    path("public/", include("ecoenforce.disclosure.urls")),
    path("tips/", include("ecoenforce.social.urls")),
    path("compliance/", include("ecoenforce.compliance.urls_staff")),
    path("onsite/", include("ecoenforce.onsite.urls")),
    path("", include("ecoenforce.sync.urls")),  # /sw.js, /manifest.webmanifest, /offline/ (the web app)
    path("grids/", include("ecoenforce.grids.urls")),
    path("assist/", include("ecoenforce.assist.urls")),
    path("referrals/", include("ecoenforce.referrals.urls")),
    path("sampling/", include("ecoenforce.sampling.urls")),
    path("duty/", include("ecoenforce.duty.urls")),
    path("transfers/", include("ecoenforce.transfers.urls")),
    path("casebook/", include("ecoenforce.casebook.urls")),
    path("special/", include("ecoenforce.special.urls")),
]

# Error pages in the product's layout and language (Django's own are bare English); JSON under /api/.
handler400 = "ecoenforce.core.error_pages.bad_request"
handler403 = "ecoenforce.core.error_pages.permission_denied"
handler404 = "ecoenforce.core.error_pages.page_not_found"
handler500 = "ecoenforce.core.error_pages.server_error"
