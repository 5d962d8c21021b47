from django.urls import path

from bibdebitor.backoffice import desk, views

urlpatterns = [
    path("kommuner/", views.rollout, name="rollout"),
    path("kommuner/ny/", views.new_agency, name="agency-new"),
    path("kommuner/<str:agency_id>/", views.agency_checklist, name="agency-checklist"),
    path("kommuner/<str:agency_id>/kvitter/", views.sign_off, name="agency-sign-off"),
    path("kommuner/<str:agency_id>/opsaetning/", views.agency_setup, name="agency-setup"),
    path("kommuner/<str:agency_id>/aktiver/", views.agency_switch_on, name="agency-switch-on"),
    path("kommuner/<str:agency_id>/datavask/", views.cleansing, name="agency-cleansing"),
    path("kommuner/<str:agency_id>/laanere/", desk.patron_lookup, name="desk-lookup"),
    path(
        "kommuner/<str:agency_id>/laanere/<str:patron_number>/",
        desk.patron_page,
        name="desk-patron",
    ),
    path(
        "kommuner/<str:agency_id>/laanere/<str:patron_number>/loeft-spaerring/",
        desk.patron_lift,
        name="desk-lift",
    ),
    path(
        "kommuner/<str:agency_id>/laanere/<str:patron_number>/laas-op/",
        desk.patron_unlock,
        name="desk-unlock",
    ),
    path("dashboard/", views.overview_dashboard, name="dashboard"),
]
