"""服务企业 (enterprise): the register of enterprises, their requests (企业诉求) and satisfaction."""
from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterpriseConfig(AppConfig):
    name = "kaohe.enterprise"
    label = "enterprise"
    verbose_name = _("企业服务")

    def ready(self) -> None:
        from kaohe.assessment import sources  # noqa: PLC0415 — models are ready only now
        from kaohe.enterprise.sources import SOURCE  # noqa: PLC0415

        sources.register(SOURCE)
        from django.utils.translation import gettext_lazy as _  # noqa: PLC0415

        from kaohe.documents.kinds import Kind, register  # noqa: PLC0415

        register(Kind("enterprise", _("企业诉求办理通报"), prefix="企服", order=60))
        from django.urls import reverse  # noqa: PLC0415

        from kaohe.enterprise.services import origin_text  # noqa: PLC0415
        from kaohe.supervision import origins  # noqa: PLC0415 — 督办 tasks link back to the request

        origins.register("enterprise.enterpriserequest", origins.Origin(
            label="企业诉求", describe=lambda r: f"{r.number} {r.enterprise.name}：{r.title}",
            link=lambda r: reverse("enterprise:request", args=[r.pk]), prefill=origin_text))
        from django.db.models.signals import post_delete, post_save  # noqa: PLC0415

        from kaohe.enterprise import board  # noqa: PLC0415
        from kaohe.enterprise.models import EnterpriseRequest  # noqa: PLC0415

        def changed(sender, **kwargs) -> None:
            board.touch()

        post_save.connect(changed, sender=EnterpriseRequest, dispatch_uid="enterprise-board-counts")
        post_delete.connect(changed, sender=EnterpriseRequest, dispatch_uid="enterprise-board-counts")
