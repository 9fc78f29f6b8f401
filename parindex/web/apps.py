from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "parindex.web"
    verbose_name = "Web"
