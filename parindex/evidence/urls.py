from django.urls import path

from . import views

app_name = "evidence"
urlpatterns = [
    path("", views.library_index, name="index"),
    path("unit/<str:unit_code>/", views.library, name="library"),
    path("unit/<str:unit_code>/upload/", views.upload, name="upload"),
    path("unit/<str:unit_code>/reference/", views.reference, name="reference"),
    path("<int:evidence_id>/", views.detail, name="detail"),
    path("<int:evidence_id>/download/", views.download, name="download"),
]
