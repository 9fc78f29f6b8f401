from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "parindex.accounts"
    verbose_name = "Accounts"
