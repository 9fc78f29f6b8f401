from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from parindex.api.api import api

urlpatterns = [
    path("", include("parindex.web.urls")),
    path("audit/", include("parindex.auditlog.urls")),
    path("notifications/", include("parindex.notifications.urls")),
    path("evidence/", include("parindex.evidence.urls")),
    path("assessments/", include("parindex.assessments.urls")),
    path("appraisals/", include("parindex.appraisals.urls")),
    path("surveys/", include("parindex.surveys.urls")),
    path("plans/", include("parindex.plans.urls")),
    path("national/", include("parindex.national.urls")),
    path("open-data/", include("parindex.opendata.urls")),
    path("uncertainty/", include("parindex.uncertainty.urls")),
    path("documents/", include("parindex.documents.urls")),
    path("cycles/", include("parindex.office.urls")),
    path("accounts/login/", auth_views.LoginView.as_view(), name="login"),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("accounts/", include("parindex.accounts.urls")),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
]
