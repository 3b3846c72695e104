"""The public (no login) pages of commitments, at /public/commitments/ (namespace ``public_commitments``)."""

from django.urls import path

from kaohe.commitments import public_views as views

app_name = "public_commitments"

urlpatterns = [
    path("", views.public_index, name="index"),
    path("verify/", views.verify, name="verify"),
    path("<int:pk>/", views.public_item, name="item"),
    path("<int:pk>/comment/", views.post_comment, name="comment"),
    path("<int:pk>/vote/", views.vote, name="vote"),
    path("comments/<int:pk>/report/", views.report, name="report"),
]
