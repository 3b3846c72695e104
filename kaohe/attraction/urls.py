"""URLs of investment attraction (namespace ``attraction``, mounted at /attraction/)."""

from django.urls import path

from kaohe.attraction import excel, views

app_name = "attraction"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("kanban/", views.kanban, name="kanban"),
    path("new/", views.new_project, name="new"),
    path("export.xlsx", excel.export_view, name="export"),
    path("import/", excel.import_view, name="import"),
    path("events/", views.events, name="events"),
    path("events/new/", views.new_event, name="new_event"),
    path("events/<int:pk>/<str:action>/", views.event_action, name="event_action"),
    path("units/<str:code>/", views.unit_board, name="board"),
    path("bulletin/<int:year>/<int:quarter>.<str:fmt>", excel.bulletin_view, name="bulletin"),
    path("bulletin/<int:year>/<int:quarter>/draft/", excel.bulletin_draft, name="bulletin_draft"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/advance/", views.advance, name="advance"),
    path("<int:pk>/evaluate/", views.evaluate, name="evaluate"),
    path("<int:pk>/credits/", views.add_credit, name="add_credit"),
    path("<int:pk>/drop/", views.drop, name="drop"),
    path("<int:pk>/exclude/", views.exclude, name="exclude"),
    path("milestones/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("milestones/<int:pk>/clear/", views.clear_rush, name="clear_rush"),
    path("milestones/<int:pk>/evidence/", views.evidence, name="evidence"),
]
