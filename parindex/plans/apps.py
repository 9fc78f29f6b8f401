from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "parindex.plans"
    verbose_name = "Plans"

    def ready(self) -> None:
        from parindex.notifications import reminders

        from .reminders import task_reminders

        reminders.register(task_reminders)
