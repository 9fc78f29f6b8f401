from django.urls import path

from . import views

app_name = "appraisals"
cycle = "<int:cycle_id>/"
leaf = cycle + "leaves/<str:unit_code>/<str:leaf_code>/"
unit = cycle + "units/<str:unit_code>/"
urlpatterns = [
    path("", views.index, name="index"),
    path(cycle, views.queue, name="queue"),
    path(cycle + "accept-untouched/", views.accept_untouched, name="accept_untouched"),
    path(leaf, views.leaf, name="leaf"),
    path(leaf + "decide/", views.leaf_decide, name="decide"),
    path(leaf + "settle/", views.leaf_settle, name="settle"),
    path(leaf + "preview/", views.leaf_preview, name="preview"),
    path(unit, views.unit, name="unit"),
    path(unit + "leaves/<str:leaf_code>/reply/", views.reply, name="reply"),
    path(
        unit + "reply-evidence/<int:link_id>/unlink/",
        views.reply_evidence_unlink,
        name="reply_evidence_unlink",
    ),
    path(unit + "send/", views.send, name="send"),
    path(unit + "close/", views.close, name="close"),
    path(unit + "release/", views.release, name="release"),
    path(unit + "return/", views.return_again, name="return_again"),
    path(cycle + "release/", views.release_all, name="release_all"),
    path(cycle + "assignments/", views.assignments, name="assignments"),
    path(cycle + "assignments/<int:assignment_id>/remove/", views.unassign, name="unassign"),
    path(cycle + "tracking/", views.tracking, name="tracking"),
    path(cycle + "tracking/remind/<int:user_id>/", views.remind, name="remind"),
    path(cycle + "council/", views.council, name="council"),
    path(cycle + "council/approve/", views.approve, name="approve"),
    path(cycle + "council/reopen/", views.reopen, name="reopen"),
    path(cycle + "council/publish/", views.publish, name="publish"),
    path(cycle + "council/members/", views.council_members, name="council_members"),
    path(
        cycle + "council/members/<int:member_id>/remove/",
        views.council_member_remove,
        name="council_member_remove",
    ),
    path(cycle + "council/documents/", views.council_document, name="council_document"),
]
