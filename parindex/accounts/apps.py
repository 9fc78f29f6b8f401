from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parindex.accounts"
    verbose_name = "Accounts"

    def ready(self) -> None:
        from parindex.notifications import reminders

        from .selectors import roles_described

        reminders.describe_people_with(roles_described)
