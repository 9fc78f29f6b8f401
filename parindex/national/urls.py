from django.urls import path

from . import views

app_name = "national"
urlpatterns = [
    path("", views.national_index, name="index"),
    path("import/", views.national_import, name="import"),
    path("<str:code>/", views.province_position, name="position"),
]
