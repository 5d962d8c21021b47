"""Agreements: only an agreement administrator decides; every decision is kept; the pages
show each role what it may see; the status API is what the library's checklist reads."""

from __future__ import annotations

import uuid

import pytest
from django.contrib.auth.models import Permission, User
from django.test import Client

from bibdebitor.broker import registry
from bibdebitor.broker.gate import agreement_state
from bibdebitor.broker.models import AgreementDecision, Service, StatusClient
from bibdebitor.common.appendonly import AppendOnlyError
from bibdebitor.common.credentials import digest
from bibdebitor.domain.agreements import AgreementError, AgreementState
from bibdebitor.domain.errors import DomainError
from bibdebitor.protocol.signing import make_identity

from .conftest import agreement_administrator

pytestmark = pytest.mark.django_db


@pytest.fixture
def registered():
    municipality = registry.register_municipality("29189129", "Lyngby-Taarbæk", uuid.uuid4())
    library = registry.register_system(uuid.uuid4(), "FBS Cicero", make_identity("f").cert_pem)
    debtor = registry.register_system(uuid.uuid4(), "KMD Opus", make_identity("k").cert_pem)
    agreement = registry.request_agreement(
        library, Service.REGISTRATION, municipality, "projektleder"
    )
    return municipality, library, debtor, agreement


def test_only_an_agreement_administrator_may_decide(registered):
    *_, agreement = registered
    clerk = User.objects.create_user("sagsbehandler", is_staff=True)
    with pytest.raises(AgreementError) as refused:
        registry.decide(agreement, AgreementState.APPROVED, clerk)
    assert refused.value.code == "agreement_permission"
    assert agreement_state(agreement.pk) is AgreementState.REQUESTED


def test_decisions_follow_the_agreements_life_and_are_kept(registered):
    *_, agreement = registered
    admin = agreement_administrator()
    registry.decide(agreement, AgreementState.APPROVED, admin)
    with pytest.raises(AgreementError):
        registry.decide(agreement, AgreementState.REVOKED, admin, note="  ")  # reason required
    registry.decide(agreement, AgreementState.REVOKED, admin, note="leverandørskift")
    with pytest.raises(AgreementError):
        registry.decide(agreement, AgreementState.APPROVED, admin)  # revoked is final
    journal = list(AgreementDecision.objects.filter(agreement=agreement).order_by("id"))
    assert [(d.state, d.note, d.decided_by) for d in journal] == [
        ("approved", "", admin),
        ("revoked", "leverandørskift", admin),
    ]
    with pytest.raises(AppendOnlyError):
        journal[0].delete()


def test_a_certificate_needs_a_reason_to_be_revoked(registered):
    _, library, *_ = registered
    fingerprint = library.certificates.get().fingerprint
    with pytest.raises(DomainError):
        registry.revoke_certificate(fingerprint, "")
    assert registry.revoke_certificate(fingerprint, "udløbet") == 1
    assert registry.revoke_certificate(fingerprint, "igen") == 0


def staff_client(user: User, *, csrf: bool = False) -> Client:
    client = Client(enforce_csrf_checks=csrf)
    client.force_login(user)
    return client


def test_the_administrator_approves_on_the_page(registered):
    *_, agreement = registered
    client = staff_client(agreement_administrator())
    page = client.get(f"/serviceaftaler/{agreement.pk}/")
    assert page.status_code == 200
    assert "Registrér beslutning" in page.content.decode()
    response = client.post(f"/serviceaftaler/{agreement.pk}/", {"state": "approved", "note": ""})
    assert response.status_code == 302
    assert agreement_state(agreement.pk) is AgreementState.APPROVED
    listing = client.get("/").content.decode()
    assert "Lyngby-Taarbæk" in listing
    assert "godkendt" in listing


def test_a_rejection_without_reason_is_explained_in_danish(registered):
    *_, agreement = registered
    client = staff_client(agreement_administrator())
    response = client.post(
        f"/serviceaftaler/{agreement.pk}/", {"state": "rejected", "note": ""}, follow=True
    )
    assert "Skriv hvorfor serviceaftalen afvises eller tilbagekaldes." in response.content.decode()
    assert agreement_state(agreement.pk) is AgreementState.REQUESTED


def test_the_decision_form_is_csrf_protected(registered):
    *_, agreement = registered
    client = staff_client(agreement_administrator(), csrf=True)
    response = client.post(f"/serviceaftaler/{agreement.pk}/", {"state": "approved"})
    assert response.status_code == 403
    assert agreement_state(agreement.pk) is AgreementState.REQUESTED


def test_staff_without_the_role_see_nothing_and_decide_nothing(registered):
    *_, agreement = registered
    clerk = User.objects.create_user("sagsbehandler", is_staff=True)
    client = staff_client(clerk)
    assert client.get("/").status_code == 403
    assert client.get("/kald/").status_code == 403
    assert client.post(f"/serviceaftaler/{agreement.pk}/", {"state": "approved"}).status_code == 403
    anonymous = Client()
    assert anonymous.get("/").status_code == 302  # to the login page
    assert agreement_state(agreement.pk) is AgreementState.REQUESTED


def test_a_viewer_sees_agreements_but_may_not_decide(registered):
    *_, agreement = registered
    viewer = User.objects.create_user("revisor", is_staff=True)
    viewer.user_permissions.add(Permission.objects.get(codename="view_agreement"))
    client = staff_client(User.objects.get(pk=viewer.pk))
    page = client.get(f"/serviceaftaler/{agreement.pk}/")
    assert page.status_code == 200
    assert "Registrér beslutning" not in page.content.decode()
    assert client.post(f"/serviceaftaler/{agreement.pk}/", {"state": "approved"}).status_code == 403


def test_the_status_api_tells_the_checklist_agreements_and_routes(registered, client):
    municipality, library, debtor, agreement = registered
    registry.decide(agreement, AgreementState.APPROVED, agreement_administrator())
    registry.set_route(municipality, Service.REGISTRATION, debtor, "http://127.0.0.1:1/x")
    token = "tjekliste-token"
    StatusClient.objects.create(name="FBS", token_sha256=digest(token))
    url = f"/api/kommuner/{municipality.organisation_uuid}/"
    assert client.get(url).status_code == 401
    assert client.get(url, headers={"Authorization": "Bearer forkert"}).status_code == 401
    unknown = client.get(
        f"/api/kommuner/{uuid.uuid4()}/", headers={"Authorization": f"Bearer {token}"}
    )
    assert unknown.status_code == 404
    status = client.get(url, headers={"Authorization": f"Bearer {token}"}).json()
    by_service = {s["service"]: s for s in status["services"]}
    registration = by_service["DebitorRegistreringAfsend"]
    assert registration["aftaler"] == [
        {
            "id": str(agreement.pk),
            "kalder": str(library.uuid),
            "kaldernavn": "FBS Cicero",
            "tilstand": "approved",
        }
    ]
    assert registration["rute"] == {"modtager": str(debtor.uuid), "adresse": "http://127.0.0.1:1/x"}
    coverage = by_service["DaekningAfskrivningRegistreringAfsend"]
    assert coverage == {
        "service": "DaekningAfskrivningRegistreringAfsend",
        "navn": "SF1590_B_01A DækningAfskrivningRegistreringAfsend",
        "aftaler": [],
        "rute": None,
    }
