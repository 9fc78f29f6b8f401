from django.urls import path

from . import views

app_name = "plans"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_create, name="create"),
    path("<int:plan_id>/", views.plan_detail, name="detail"),
    path("<int:plan_id>/edit/", views.plan_edit, name="edit"),
    path("<int:plan_id>/targets/", views.plan_targets, name="targets"),
    path("<int:plan_id>/areas/", views.area_edit, name="areas"),
    path("<int:plan_id>/areas/<int:area_id>/", views.area_edit, name="area_edit"),
    path("<int:plan_id>/tasks/new/", views.task_create, name="task_create"),
    path("<int:plan_id>/points-lost/", views.points_lost_view, name="points_lost"),
    path("<int:plan_id>/what-if/", views.whatif_view, name="whatif"),
    path("<int:plan_id>/appendix.xlsx", views.export_xlsx, name="export_xlsx"),
    path("<int:plan_id>/appendix.pdf", views.export_pdf, name="export_pdf"),
    path("tasks/<int:task_id>/", views.task_detail, name="task"),
    path("tasks/<int:task_id>/edit/", views.task_edit, name="task_edit"),
    path("tasks/<int:task_id>/status/", views.task_status, name="task_status"),
    path("tasks/<int:task_id>/report/", views.task_report, name="task_report"),
]
