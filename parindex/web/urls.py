from django.urls import path

from . import mappings, statistics, views

urlpatterns = [
    path("", views.home, name="home"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("cycles/<int:cycle_id>/", views.cycle_ranking, name="cycle_ranking"),
    path(
        "cycles/<int:cycle_id>/statistics/",
        statistics.cycle_statistics,
        name="cycle_statistics",
    ),
    path(
        "cycles/<int:cycle_id>/statistics.xlsx",
        statistics.cycle_statistics_xlsx,
        name="cycle_statistics_xlsx",
    ),
    path(
        "cycles/<int:cycle_id>/units/<str:unit_code>/", views.unit_scorecard, name="unit_scorecard"
    ),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/import/", views.framework_upload, name="framework_import"),
    path("frameworks/mappings/import/", mappings.node_mapping_upload, name="node_mapping_import"),
    path("frameworks/<int:version_id>/", views.framework_detail, name="framework_detail"),
]
