from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from bibdebitor.broker import api, staff, views
from bibdebitor.common.web import dress_admin_site

dress_admin_site(settings.BIBDEBITOR_SITE_TITLE)

urlpatterns = [
    path("", include("bibdebitor.common.urls")),  # healthz, readyz, metrics
    path("sf1590/<str:service>/1", views.service_call, name="broker-call"),
    path("api/kommuner/<uuid:organisation>/", api.municipality, name="broker-status"),
    path("", staff.agreement_list, name="agreements"),
    path("serviceaftaler/<uuid:agreement_id>/", staff.agreement_detail, name="agreement"),
    path("kald/", staff.call_list, name="calls"),
    path("admin/", admin.site.urls),
]
