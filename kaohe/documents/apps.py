"""公文 (documents): GB/T 9704 documents, their numbers (发文字号) and the register of issued documents."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DocumentsConfig(AppConfig):
    name = "kaohe.documents"
    label = "documents"
    verbose_name = _("公文")
