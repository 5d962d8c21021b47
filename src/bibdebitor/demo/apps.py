from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "bibdebitor.demo"
    verbose_name = "Demo"
