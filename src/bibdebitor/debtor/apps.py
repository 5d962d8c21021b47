from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DebtorConfig(AppConfig):
    name = "bibdebitor.debtor"
    verbose_name = _("Reference debtor system")
