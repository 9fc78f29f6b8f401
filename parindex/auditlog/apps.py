from django.apps import AppConfig


class AuditLogConfig(AppConfig):
    name = "parindex.auditlog"
    verbose_name = "Audit pages"
