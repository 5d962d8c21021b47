from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class BrokerConfig(AppConfig):
    name = "bibdebitor.broker"
    verbose_name = _("Service platform")
