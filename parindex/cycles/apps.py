from django.apps import AppConfig


class CyclesConfig(AppConfig):
    name = "parindex.cycles"
    verbose_name = "Cycles"
