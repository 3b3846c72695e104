"""URLs of supervision (namespace ``supervision``, mounted at /supervision/)."""

from django.urls import path

from kaohe.supervision import views

app_name = "supervision"

urlpatterns = [
    path("", views.board, name="board"),
    path("inbox/", views.inbox, name="inbox"),
    path("overview/", views.overview, name="overview"),
    path("new/", views.new_task, name="new"),
    path("new/one-click/", views.quick_create, name="quick_create"),
    path("import/", views.import_tasks, name="import"),
    path("documents/", views.document_list, name="documents"),
    path("documents/<int:pk>/", views.document, name="document"),
    path("bulletins/", views.bulletin_list, name="bulletin_list"),
    path("bulletins/new/", views.bulletin, name="bulletin"),
    path("<int:pk>/", views.task_page, name="task"),
    path("<int:pk>/assign/", views.assign, name="assign"),
    path("<int:pk>/sign/", views.sign, name="sign"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/extend/", views.extend, name="extend"),
    path("<int:pk>/finish/", views.finish, name="finish"),
    path("<int:pk>/review/", views.review, name="review"),
    path("<int:pk>/reopen/", views.reopen, name="reopen"),
    path("extensions/<int:pk>/decide/", views.decide, name="decide"),
    path("milestones/<int:pk>/done/", views.milestone_done, name="milestone_done"),
]
