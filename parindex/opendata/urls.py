from django.urls import path

from . import views

app_name = "opendata"
urlpatterns = [
    path("", views.index, name="index"),
    path("<int:cycle_id>/", views.cycle_page, name="cycle"),
    path("<int:cycle_id>/results.csv", views.results_csv, name="results_csv"),
    path("<int:cycle_id>/results.json", views.results_json, name="results_json"),
    path("<int:cycle_id>/results.xlsx", views.results_xlsx, name="results_xlsx"),
    path("<int:cycle_id>/framework.yaml", views.framework_file, name="framework_file"),
]
