"""URLs of public commitments for the organisation (namespace ``commitments``, at /commitments/)."""

from django.urls import path

from kaohe.commitments import views

app_name = "commitments"

urlpatterns = [
    path("", views.index, name="index"),
    path("moderation/", views.moderation, name="moderation"),
    path("campaigns/<int:pk>/", views.campaign_detail, name="campaign"),
    path("campaigns/<int:pk>/claim/", views.claim, name="claim"),
    path("campaigns/<int:pk>/publish/", views.publish_approved, name="publish_approved"),
    path("campaigns/<int:pk>/export.xlsx", views.export, name="export"),
    path("campaigns/<int:pk>/import/", views.import_progress, name="import"),
    path("campaigns/<int:pk>/notice.docx", views.notice_docx, name="notice"),
    path("campaigns/<int:pk>/notice/draft/", views.notice_draft, name="notice_draft"),
    path("items/<int:pk>/", views.item_detail, name="item"),
    path("items/<int:pk>/edit/", views.edit, name="edit"),
    path("items/<int:pk>/action/", views.item_action, name="action"),
    path("milestones/<int:pk>/report/", views.report, name="report"),
    path("comments/<int:pk>/moderate/", views.moderate, name="moderate"),
    path("comments/<int:pk>/answer/", views.answer, name="answer"),
]
