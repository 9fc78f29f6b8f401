from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "parindex.appraisals"
    verbose_name = "Appraisals"

    def ready(self) -> None:
        from parindex.notifications import reminders

        from .reminders import appraisal_due, explanation_due

        reminders.register(appraisal_due)
        reminders.register(explanation_due)
