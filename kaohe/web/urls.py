from django.urls import include, path

from kaohe.web.views import auth, home

urlpatterns = [
    path("login/", auth.KaoheLoginView.as_view(), name="login"),
    path("password/", auth.KaohePasswordChangeView.as_view(), name="password_change"),
    path("logout/", auth.KaoheLogoutView.as_view(), name="logout"),
    path("", home.home, name="home"),
]
urlpatterns.append(path("projects/", include("kaohe.projects.urls")))
urlpatterns.append(path("assessment/", include("kaohe.assessment.urls")))
urlpatterns.append(path("results/", include("kaohe.results.urls")))
urlpatterns.append(path("reports/", include("kaohe.reports.urls")))
urlpatterns.append(path("public/", include("kaohe.results.public_urls")))
urlpatterns.append(path("enterprise/", include("kaohe.enterprise.urls")))
urlpatterns.append(path("supervision/", include("kaohe.supervision.urls")))
urlpatterns.append(path("commitments/", include("kaohe.commitments.urls")))
urlpatterns.append(path("public/commitments/", include("kaohe.commitments.public_urls")))
urlpatterns.append(path("monitor/", include("kaohe.monitor.urls")))
urlpatterns.append(path("attraction/", include("kaohe.attraction.urls")))
