from django.templatetags.static import static
from django.urls import path
from django.views.generic import RedirectView

from bibdebitor.common import operations

urlpatterns = [
    # Browsers ask for it on pages that name no icon (Django admin's).
    path("favicon.ico", RedirectView.as_view(url=static("bibdebitor/favicon.svg"), permanent=True)),
    path("healthz", operations.healthz, name="healthz"),
    path("readyz", operations.readyz, name="readyz"),
    path("metrics", operations.metrics, name="metrics"),
]
