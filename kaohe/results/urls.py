"""URLs of the results app (namespace ``results``), mounted at /results/."""

from django.urls import path
from django.views.generic import RedirectView

from kaohe.results import views

app_name = "results"

urlpatterns = [
    path("", views.run_list, name="index"),
    path("cockpit/", views.cockpit, name="cockpit"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/new/", views.run_new, name="run_new"),
    path("runs/<int:pk>/", views.run_detail, name="run_detail"),
    path("runs/<int:pk>/progress/", views.run_progress, name="run_progress"),
    path("runs/<int:pk>/diff/<int:other>/", views.run_diff, name="run_diff"),
    path("runs/<int:pk>/review/", views.review_add, name="review_add"),
    path("runs/<int:pk>/publish/", views.publish_run, name="publish"),
    path("runs/<int:pk>/scorecard/", views.scorecard, name="scorecard"),
    path("runs/<int:pk>/robustness/", views.robustness, name="robustness"),
    path("runs/<int:pk>/first-prizes/", views.award_grant, name="award_grant"),
    path("boards/", views.boards_index, name="boards"),
    path("boards/<int:run_id>/<str:code>/", views.board, name="board"),
    path("flags/", views.flags_page, name="flags"),
    path("units/mine/", views.my_unit, name="my_unit"),
    path("units/<str:code>/", views.unit_profile, name="unit_profile"),
    path("units/<str:code>/gap/", views.unit_gap, name="unit_gap"),
    path("units/<str:code>/what-if/", views.what_if, name="what_if"),
    path("publications/", views.publications, name="publications"),
    path("appeals/", views.appeals, name="appeals"),
    path("appeals/new/<int:pub_id>/", views.appeal_new, name="appeal_new"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal_detail"),
    path("appeals/<int:pk>/answer/", views.appeal_answer, name="appeal_answer"),
    path("appeals/attachments/<int:pk>/", views.appeal_attachment, name="appeal_attachment"),
    path("awards/", views.awards, name="awards"),
    path("awards/nominate/", views.award_nominate, name="award_nominate"),
    path("awards/<int:pk>/decide/", views.award_decide, name="award_decide"),
    # The unit notifications of old live in the one inbox now.
    path("notifications/", RedirectView.as_view(pattern_name="notifications:inbox", permanent=True),
         name="notifications"),
]
