from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "parindex.plans"
    verbose_name = "Plans"
