"""URLs of enterprise service (namespace ``enterprise``, mounted at /enterprise/)."""

from django.urls import path

from kaohe.enterprise import portal, views

app_name = "enterprise"

urlpatterns = [
    path("", views.workbench, name="workbench"),
    path("requests/", views.request_list, name="requests"),
    path("requests/export.xlsx", views.export_requests, name="export"),
    path("board/", views.board, name="board"),
    path("bulletin/", views.bulletin, name="bulletin"),
    path("register/", views.register, name="register"),
    path("register/export.xlsx", views.export_register, name="export_register"),
    path("register/import/", views.import_register, name="import"),
    path("faq/", views.faq, name="faq"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise"),
    path("enterprises/<int:pk>/receive/", views.receive, name="receive"),
    path("enterprises/<int:pk>/link/", views.renew_link, name="renew_link"),
    path("r/<int:pk>/", views.request_detail, name="request"),
    path("r/<int:pk>/<str:action>/", views.act, name="act"),
    path("attachments/<int:pk>/", views.attachment, name="attachment"),
    # the enterprise's own pages (no account): its link, a one-time code, then its requests only
    path("link/<str:key>/", portal.entry, name="portal"),
    path("link/<str:key>/r/<int:pk>/", portal.request_page, name="portal_request"),
    path("link/<str:key>/a/<int:pk>/", portal.attachment, name="portal_attachment"),
    path("link/<str:key>/leave/", portal.leave, name="portal_leave"),
    path("survey/<str:key>/", portal.survey, name="survey"),
]
