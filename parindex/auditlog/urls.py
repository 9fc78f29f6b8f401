from django.urls import path

from . import views

app_name = "audit"
urlpatterns = [
    path("", views.audit_log, name="log"),
    path(
        "leaf/<int:cycle_id>/<str:unit_code>/<str:leaf_code>/",
        views.leaf_history,
        name="leaf_history",
    ),
]
