from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "parindex.assessments"
    verbose_name = "Assessments"

    def ready(self) -> None:
        from parindex.notifications import reminders

        from .reminders import self_assessment_due

        reminders.register(self_assessment_due)
