from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CitizenConfig(AppConfig):
    name = "bibdebitor.citizen"
    label = "citizen"
    verbose_name = _("Citizen pages and fees API")
