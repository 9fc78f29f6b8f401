from django.apps import AppConfig


class NationalConfig(AppConfig):
    name = "parindex.national"
    verbose_name = "National"
