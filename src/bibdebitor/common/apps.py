from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "bibdebitor.common"
    label = "common"

    def ready(self) -> None:
        from bibdebitor.common import (
            checks,  # noqa: F401  (registers the system checks)
            lookups,  # noqa: F401  (registers ``__in_ids``)
        )
