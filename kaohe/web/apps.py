from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "kaohe.web"
    label = "web"
    verbose_name = _("界面")

    def ready(self) -> None:
        from django.contrib import admin

        from kaohe.web.views.auth import AdminLoginForm

        admin.site.login_form = AdminLoginForm  # the admin login is throttled like the login page
        _name_third_party_admin()


def _name_third_party_admin() -> None:
    """The background tasks' app (django_tasks_db) names itself in English in /admin/; the admin
    reads these names from the app config and the model's options, so they are set once here."""
    from django.apps import apps

    if not apps.is_installed("django_tasks_db"):
        return
    config = apps.get_app_config("django_tasks_database")
    config.verbose_name = _("后台任务")
    for model in config.get_models():
        model._meta.verbose_name = _("任务记录")
        model._meta.verbose_name_plural = _("任务记录")
