from django.apps import AppConfig


class FrameworksConfig(AppConfig):
    name = "parindex.frameworks"
    verbose_name = "Frameworks"
