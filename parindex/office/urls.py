from django.urls import path

from . import views

app_name = "cycles"
cycle = "<int:cycle_id>/manage/"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.cycle_new, name="new"),
    path(cycle, views.cycle_manage, name="manage"),
    path(cycle + "units/add/", views.unit_add, name="unit_add"),
    path(cycle + "units/<str:unit_code>/remove/", views.unit_remove, name="unit_remove"),
    path(cycle + "cancel/", views.cancel, name="cancel"),
]
