from django.apps import AppConfig


class UncertaintyConfig(AppConfig):
    name = "parindex.uncertainty"
    verbose_name = "Rank uncertainty"
