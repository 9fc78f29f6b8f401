from django.urls import path

from . import views

app_name = "uncertainty"

urlpatterns = [
    path("<int:cycle_id>/", views.cycle_page, name="cycle"),
    path("<int:cycle_id>/start/", views.start, name="start"),
]
