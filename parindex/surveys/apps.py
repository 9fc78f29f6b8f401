from django.apps import AppConfig


class SurveysConfig(AppConfig):
    name = "parindex.surveys"
    verbose_name = "Surveys"
