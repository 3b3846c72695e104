"""URLs of major projects (namespace ``projects``, mounted at /projects/)."""

from django.urls import path

from kaohe.projects import views

app_name = "projects"

urlpatterns = [
    path("", views.project_list, name="list"),
    path("kanban/", views.kanban, name="kanban"),
    path("board/", views.warning_board, name="board"),
    path("units/<str:code>/", views.portfolio, name="portfolio"),
    path("views/save/", views.save_view, name="save_view"),
    path("views/<int:pk>/delete/", views.delete_view, name="delete_view"),
    path("export.xlsx", views.export_projects, name="export"),
    path("reports/export.xlsx", views.export_reports, name="export_reports"),
    path("import/<str:kind>/", views.import_file, name="import"),
    path("<int:pk>/", views.project_detail, name="detail"),
    path("<int:pk>/report/", views.submit_report, name="submit_report"),
    path("<int:pk>/problems/", views.raise_problem, name="raise_problem"),
    path("<int:pk>/letter.docx", views.supervision_letter, name="letter"),
    path("reports/<int:pk>/confirm/", views.confirm_report, name="confirm_report"),
    path("problems/<int:pk>/resolve/", views.resolve_problem, name="resolve_problem"),
    path("problems/<int:pk>/confirm/", views.confirm_problem, name="confirm_problem"),
    path("problems/<int:pk>/pause/", views.pause_problem, name="pause_problem"),
]
