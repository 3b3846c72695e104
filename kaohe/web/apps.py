from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "kaohe.web"
    label = "web"

    def ready(self) -> None:
        from django.contrib import admin

        from kaohe.web.views.auth import AdminLoginForm

        admin.site.login_form = AdminLoginForm  # the admin login is throttled like the login page
