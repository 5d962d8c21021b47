from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from bibdebitor.common.web import dress_admin_site
from bibdebitor.debtor import portal, staff, views

dress_admin_site(settings.BIBDEBITOR_SITE_TITLE)

urlpatterns = [
    path("", include("bibdebitor.common.urls")),  # healthz, readyz, metrics
    path("sf1590/DebitorRegistreringAfsend/1", views.registration, name="sf1590-registration"),
    path("sf1590/FordringOversigt/1", views.claim_statement, name="sf1590-statement"),
    path("sf1590/Opsaetning/1", views.set_up, name="sf1590-setup"),
    path("betalingsoverblik/<uuid:instance_uuid>/", portal.overview, name="portal-overview"),
    path("betalingsoverblik/<uuid:instance_uuid>/log-ind/", portal.sign_in, name="portal-sign-in"),
    path("betalingsoverblik/<uuid:instance_uuid>/log-ud/", portal.sign_out, name="portal-sign-out"),
    path(
        "betalingsoverblik/<uuid:instance_uuid>/betal/<int:invoice_id>/",
        portal.pay,
        name="portal-pay",
    ),
    path(
        "betalingsoverblik/<uuid:instance_uuid>/brev/<int:document_id>/",
        portal.letter,
        name="portal-letter",
    ),
    path(
        "betalingsoverblik/<uuid:instance_uuid>/brev/<int:document_id>/pdf/",
        portal.letter_pdf,
        name="portal-letter-pdf",
    ),
    path("", staff.home, name="staff-home"),
    path("sagsbehandler/<uuid:instance_uuid>/", staff.instance_overview, name="staff-overview"),
    path("sagsbehandler/<uuid:instance_uuid>/bankfil/", staff.bank_file, name="staff-bank-file"),
    path("sagsbehandler/<uuid:instance_uuid>/fordringer/", staff.claim_list, name="staff-claims"),
    path(
        "sagsbehandler/<uuid:instance_uuid>/fordring/<str:claim_id>/",
        staff.claim_detail,
        name="staff-claim",
    ),
    path(
        "sagsbehandler/<uuid:instance_uuid>/indbetaling/<int:payment_id>/",
        staff.placement,
        name="staff-placement",
    ),
    path(
        "sagsbehandler/<uuid:instance_uuid>/brev/<int:document_id>/",
        staff.letter,
        name="staff-letter",
    ),
    path(
        "sagsbehandler/<uuid:instance_uuid>/brev/<int:document_id>/pdf/",
        staff.letter_pdf,
        name="staff-letter-pdf",
    ),
    path("admin/", admin.site.urls),
]
