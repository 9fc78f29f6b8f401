from django.apps import AppConfig


class OpenDataConfig(AppConfig):
    name = "parindex.opendata"
    label = "opendata"
    verbose_name = "Open data"
