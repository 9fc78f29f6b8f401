from django.urls import path

from . import views

app_name = "surveys"
urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/<int:cycle_id>/", views.cycle_survey, name="cycle"),
    path("<int:questionnaire_id>/", views.questionnaire_detail, name="questionnaire"),
    path("<int:questionnaire_id>/plan/", views.plan, name="plan"),
    path("<int:questionnaire_id>/coverage/", views.coverage, name="coverage"),
    path("<int:questionnaire_id>/responses/", views.responses, name="responses"),
    path("<int:questionnaire_id>/links/", views.links, name="links"),
    path("<int:questionnaire_id>/links/print/", views.links_print, name="links_print"),
    path("<int:questionnaire_id>/aggregate/", views.aggregate, name="aggregate"),
    path("<int:questionnaire_id>/release/", views.release, name="release"),
    path("<int:questionnaire_id>/results/", views.results, name="results"),
    path(
        "<int:questionnaire_id>/results/<str:unit_code>/", views.unit_results, name="unit_results"
    ),
    path("jobs/<int:job_id>/", views.job, name="job"),
    path("jobs/<int:job_id>/retry/", views.job_retry, name="job_retry"),
    path("r/<str:token>/", views.respond, name="respond"),
]
