from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class BackofficeConfig(AppConfig):
    name = "bibdebitor.backoffice"
    verbose_name = _("Back-office")

    def ready(self) -> None:
        from bibdebitor.backoffice.roles import ensure_roles

        post_migrate.connect(ensure_roles, sender=self)
