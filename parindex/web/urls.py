from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("cycles/<int:cycle_id>/", views.cycle_ranking, name="cycle_ranking"),
    path(
        "cycles/<int:cycle_id>/units/<str:unit_code>/", views.unit_scorecard, name="unit_scorecard"
    ),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/import/", views.framework_upload, name="framework_import"),
    path("frameworks/<int:version_id>/", views.framework_detail, name="framework_detail"),
]
