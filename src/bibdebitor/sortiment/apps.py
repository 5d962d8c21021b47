from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SortimentConfig(AppConfig):
    name = "bibdebitor.sortiment"
    label = "sortiment"
    verbose_name = _("Sortiment and cut-over")
