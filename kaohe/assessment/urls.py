"""URLs of the assessment app (namespace ``assessment``), mounted at /assessment/."""

from django.urls import path

from kaohe.assessment.views import derivation, entry, review, schemes

app_name = "assessment"

V = "<int:version_id>/<int:period_id>"

urlpatterns = [
    path("", schemes.scheme_list, name="index"),
    path("schemes/", schemes.scheme_list, name="scheme_list"),
    path("schemes/import/", schemes.scheme_import, name="scheme_import"),
    path("schemes/derive/", derivation.scheme_derive, name="scheme_derive"),
    path("versions/<int:pk>/", schemes.version_detail, name="version"),
    path("versions/<int:pk>/edit/", schemes.version_edit, name="version_edit"),
    path("versions/<int:pk>/editor/", schemes.version_editor, name="version_editor"),
    path("versions/<int:pk>/adopt/", schemes.version_adopt, name="version_adopt"),
    path("versions/<int:pk>/new/", schemes.version_new, name="version_new"),
    path("versions/<int:pk>/clone/", schemes.version_clone, name="version_clone"),
    path("versions/<int:pk>/diff/", schemes.version_diff, name="version_diff"),
    path("versions/<int:pk>/preview/", schemes.version_preview, name="version_preview"),
    path("versions/<int:pk>/targets/", schemes.version_targets, name="version_targets"),
    path("versions/<int:pk>/split/", derivation.target_split, name="target_split"),
    path("versions/<int:pk>/export.<str:fmt>", schemes.version_export, name="version_export"),
    path("periods/", review.periods, name="periods"),
    path("data/", entry.data_entry, name="data_entry"),
    path("data/mine/", entry.my_grid, name="my_grid"),
    path(f"data/{V}/<int:unit_id>/", entry.grid, name="grid"),
    path(f"data/{V}/<int:unit_id>/save/", entry.grid_save, name="grid_save"),
    path(f"data/{V}/<int:unit_id>/template.xlsx", entry.template_download, name="template"),
    path(f"data/{V}/<int:unit_id>/upload/", entry.upload, name="upload"),
    path(f"data/{V}/<int:unit_id>/submit/", entry.submit, name="submit"),
    path(f"data/{V}/history/", entry.value_history, name="value_history"),
    path("review/", review.review, name="review"),
    path(f"review/{V}/", review.review, name="review_period"),
    path(f"review/{V}/bulk/", review.bulk, name="review_bulk"),
    path(f"review/{V}/remind/<int:unit_id>/", review.remind_unit, name="remind_unit"),
    path(f"review/{V}/correct/", review.correct, name="correct"),
    path("review/submissions/<int:pk>/<str:action>/", review.review_action, name="review_action"),
    path("review/findings/<int:pk>/resolve/", review.finding_resolve, name="finding_resolve"),
]
