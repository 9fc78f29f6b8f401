from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path(
        "<int:cycle_id>/units/<str:unit_code>/scoring-table.<str:extension>",
        views.scoring_table,
        name="scoring_table",
    ),
    path("<int:cycle_id>/ranking-annex.<str:extension>", views.ranking_annex, name="ranking_annex"),
]
