from django.contrib.auth import views as auth_views
from django.urls import path

from . import token_views, views

app_name = "accounts"
urlpatterns = [
    path("manage/", views.manage, name="manage"),
    path("manage/new/", views.create, name="create"),
    path("manage/<int:user_id>/", views.detail, name="detail"),
    path("manage/<int:user_id>/edit/", views.update, name="update"),
    path("manage/<int:user_id>/roles/add/", views.role_add, name="role_add"),
    path(
        "manage/<int:user_id>/roles/<int:assignment_id>/remove/",
        views.role_remove,
        name="role_remove",
    ),
    path("manage/<int:user_id>/deactivate/", views.deactivate, name="deactivate"),
    path("manage/<int:user_id>/reactivate/", views.reactivate, name="reactivate"),
    path("manage/<int:user_id>/activation/", views.activation_send, name="activation_send"),
    path(
        "manage/<int:user_id>/tokens/<int:token_id>/revoke/",
        token_views.admin_token_revoke,
        name="admin_token_revoke",
    ),
    path("manage/activations/", views.activations, name="activations"),
    path("manage/activations/send/", views.activations_send, name="activations_send"),
    path("manage/import/", views.import_upload, name="import"),
    path("manage/import/template.xlsx", views.import_template, name="import_template"),
    path("manage/import/<int:import_id>/", views.import_detail, name="import_detail"),
    path("manage/import/<int:import_id>/apply/", views.import_apply, name="import_apply"),
    path("tokens/", token_views.tokens, name="tokens"),
    path("tokens/<int:token_id>/revoke/", token_views.token_revoke, name="token_revoke"),
    path("activate/<uidb64>/<token>/", views.activate, name="activate"),
    path("password/change/", views.PasswordChangeView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    path("password/reset/", views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
