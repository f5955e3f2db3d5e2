from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from quntuan.api.api import api

urlpatterns = [
    path("", include("quntuan.core.urls")),
    path("accounts/", include("quntuan.accounts.urls")),
    path("catalog/", include("quntuan.catalog.urls")),
    path("cases/", include("quntuan.cases.urls")),
    path("inbox/", include("quntuan.notifications.urls")),
    path("orgs/", include("quntuan.organizations.urls")),
    path("calendar/", include("quntuan.workdays.urls")),
    path("activities/", include("quntuan.activities.urls")),
    path("volunteers/", include("quntuan.volunteers.urls")),
    path("routing/", include("quntuan.routing.urls")),
    path("programs/", include("quntuan.programs.urls")),
    path("assessment/", include("quntuan.assessment.urls")),
    path("reports/", include("quntuan.reports.urls")),
    path("search/", include("quntuan.search.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
