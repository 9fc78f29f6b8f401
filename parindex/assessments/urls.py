from django.urls import path

from . import views

app_name = "assessments"
unit = "<int:cycle_id>/<str:unit_code>/"
leaf = unit + "leaves/<str:leaf_code>/"
urlpatterns = [
    path("", views.index, name="index"),
    path("cycles/<int:cycle_id>/calendar/", views.calendar, name="calendar"),
    path("cycles/<int:cycle_id>/extend/", views.extend, name="extend"),
    path("cycles/<int:cycle_id>/reopen/", views.reopen, name="reopen"),
    path(
        "cycles/<int:cycle_id>/allow-withdrawal/", views.allow_withdrawal, name="allow_withdrawal"
    ),
    path(unit, views.page, name="page"),
    path(unit + "submit/", views.submit, name="submit"),
    path(unit + "withdraw/", views.withdraw, name="withdraw"),
    path(unit + "excel/", views.excel_download, name="excel_download"),
    path(unit + "excel/upload/", views.excel_upload, name="excel_upload"),
    path(leaf, views.leaf, name="leaf"),
    path(leaf + "preview/", views.leaf_preview, name="leaf_preview"),
    path(leaf + "evidence/", views.evidence_attach, name="evidence_attach"),
    path(leaf + "evidence/upload/", views.evidence_upload, name="evidence_upload"),
    path(leaf + "evidence/reference/", views.evidence_reference, name="evidence_reference"),
    path(leaf + "evidence/<int:link_id>/unlink/", views.evidence_unlink, name="evidence_unlink"),
]
