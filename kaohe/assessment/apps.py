from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentConfig(AppConfig):
    name = "kaohe.assessment"
    label = "assessment"
    verbose_name = _("考核方案与数据")
