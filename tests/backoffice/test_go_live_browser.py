"""A new municipality from empty to go-live, in a real browser (Debian's chromium, headless):
the system administrator creates the agency and sets up the integration; the checklist shows
every failing check with its reason; the platform, the debtor system and the data are fixed;
manual tasks are signed off; the dry run is viewed; the integration is switched on. The
service platform and the debtor system run as their own processes. Screenshots are kept in
test-artifacts/."""

import datetime as dt
import uuid

import pytest
from django.core.management import call_command

from bibdebitor.backoffice.roles import SYSTEM_ADMINISTRATORS
from bibdebitor.harness.broker import BrokerProcess
from bibdebitor.harness.debtor import DebtorProcess
from bibdebitor.ledger.models import Agency
from bibdebitor.ledger.services import create_claim, register_patron
from bibdebitor.protocol.signing import make_identity
from bibdebitor.transfer.models import OutboxMessage

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

PASSWORD = "en-lang-kode-til-test-42"
REGISTRATION = "DebitorRegistreringAfsend"
COVERAGE = "DaekningAfskrivningRegistreringAfsend"
MANUAL_TASKS = ["organisation", "workflows", "communicate_internal", "communicate_external"]


@pytest.fixture
def systems(tmp_path, settings):
    """An unmapped debtor system instance and an empty service platform."""
    debtor = DebtorProcess(tmp_path / "debtor")
    debtor.manage("migrate", "--noinput")
    setup = [
        "setup-instance",
        "--name=Testby Kommune",
        f"--organisation={debtor.organisation}",
        f"--instance={debtor.instance}",
        "--vendor=kmd_opus",
        f"--sender={debtor.sender}",
        f"--token={debtor.token}",
    ]
    debtor.manage(*setup)
    debtor.serve()
    broker = BrokerProcess(tmp_path / "broker").start()
    settings.BIBDEBITOR_PLATFORM_URL = broker.base_url
    settings.BIBDEBITOR_PLATFORM_TOKEN = broker.platform("status-client", "--name=FBS")
    settings.BIBDEBITOR_DEBTOR_SETUP_URL = f"{debtor.base_url}/sf1590/Opsaetning/1"
    settings.BIBDEBITOR_SF1590_TOKEN = debtor.token
    yield debtor, broker, setup
    broker.stop()
    debtor.stop()


def platform_set_up(broker, debtor, tmp_path, library_url):
    """What KOMBIT, the vendor and the agreement administrator do on the platform."""
    org = str(debtor.organisation)
    for name, uuid_ in (("fbs", debtor.sender), ("kmd", debtor.instance)):
        identity = make_identity(name)
        (tmp_path / f"{name}.pem").write_bytes(identity.cert_pem)
        broker.system(uuid_, name, tmp_path / f"{name}.pem")
    broker.platform("municipality", "--cvr=29189129", "--name=Testby", f"--organisation={org}")
    routes = (
        (REGISTRATION, debtor.instance, debtor.url),
        (COVERAGE, debtor.sender, f"{library_url}/sf1590/{COVERAGE}/1"),
    )
    for service, receiver, address in routes:
        broker.route(org, service, receiver, address)
    broker.platform("administrator", "--username=aftaler", f"--password={PASSWORD}")
    for caller, service in ((debtor.sender, REGISTRATION), (debtor.instance, COVERAGE)):
        broker.approved_agreement(caller, service, org, "aftaler")


def status_of(page, task: str) -> str:
    return page.locator(f'li[data-task="{task}"] .badge').inner_text()


def reasons_of(page, task: str) -> str:
    found = page.locator(f'li[data-task="{task}"] .reasons')
    return found.inner_text() if found.count() else ""


def test_a_new_municipality_from_empty_to_go_live(
    browser, live_server, systems, tmp_path, screenshot
):
    debtor, broker, debtor_setup = systems
    call_command(
        "staff-user",
        "--username=admin",
        f"--password={PASSWORD}",
        f"--role={SYSTEM_ADMINISTRATORS}",
    )
    page = browser.new_context(locale="da-DK", viewport={"width": 1280, "height": 900}).new_page()
    page.goto(f"{live_server.url}/admin/login/?next=/kommuner/")
    page.get_by_label("Brugernavn").fill("admin")
    page.get_by_label("Adgangskode").fill(PASSWORD)
    page.get_by_role("button", name="Log på").click()

    # 1. A new agency.
    page.get_by_role("link", name="Ny kommune").click()
    page.get_by_label("Agency-id").fill("746100")
    page.get_by_label("Navn").fill("Testby Bibliotekerne")
    page.get_by_label("CVR-nummer").fill("29189129")
    page.get_by_label("Kommunekode").fill("746")
    page.get_by_role("button", name="Opret").click()
    assert "Kommunen er oprettet" in page.content()
    agency = Agency.objects.get(agency_id="746100")
    # Its patrons and claims (in production they are FBS's own).
    good = register_patron(
        agency, patron_number="1", kind="person", name="Ida Ærø", cpr="150575-1007"
    )
    nameless = register_patron(agency, patron_number="2", kind="person", name="Bo Berg")
    for number, patron in enumerate((good, nameless), start=1):
        create_claim(
            patron,
            claim_number=number,
            kind="late_fee",
            amount_ore=5_000,
            created_on=dt.date.today() - dt.timedelta(days=3),
            due_date=dt.date.today() + dt.timedelta(days=20),
            actor="system:fbs",
        )

    # 2. The set-up, all but the organisational unit.
    cutoff = dt.date.today() - dt.timedelta(days=30)
    page.locator("#id_debtor_vendor").select_option("kmd_opus")
    page.get_by_label("Organisation (KOMBIT)").fill(str(debtor.organisation))
    page.get_by_label("Afsender it-systeminstans").fill(str(debtor.sender))
    page.get_by_label("Debitorsysteminstans").fill(str(debtor.instance))
    page.get_by_label("Skæringsdato").fill(cutoff.isoformat())
    page.get_by_role("button", name="Gem").click()
    assert "Opsætningen er gemt" in page.content()

    # 3. The checklist shows what fails, and why.
    assert status_of(page, "agreement_registration") == "ikke endnu"
    assert "ikke registreret på serviceplatformen" in reasons_of(page, "agreement_registration")
    assert "organisatoriske enhed" in reasons_of(page, "subscription")
    assert "abonnerer ikke" in reasons_of(page, "subscription")
    assert "Ingen regel for kravtype" in reasons_of(page, "debtor_rules")
    assert "1 blokerende fund" in reasons_of(page, "cleansing")
    assert "Ingen har set prøvekørslen" in reasons_of(page, "cutoff")
    assert status_of(page, "organisation") == "åben"
    screenshot(page, "1-failing-checks")

    # 4. Fix them: the organisational unit …
    page.get_by_role("link", name="Integrationens opsætning").click()
    page.get_by_label("Debitorkonto organisatorisk reference").fill(str(uuid.uuid4()))
    page.get_by_role("button", name="Gem").click()
    # … the platform (routes and both agreements) and the debtor system (subscription,
    # mapping table, rules), which their own staff do in their own systems …
    platform_set_up(broker, debtor, tmp_path, live_server.url)
    debtor.manage(*debtor_setup, "--map-sortiment")
    # … the data: the patron without CPR gets one, through the report's link.
    page.get_by_role("link", name="Datavask").click()
    assert "Person uden CPR-nummer" in page.content()
    screenshot(page, "2-data-cleansing")
    page.get_by_role("link", name="Ret", exact=True).click()
    page.get_by_label("CPR-nummer").fill("010190-1230")
    page.get_by_role("button", name="Gem", exact=True).click()
    page.goto(f"{live_server.url}/kommuner/746100/datavask/")
    assert "Intet at rette." in page.content()

    # 5. Manual tasks are signed off.
    page.goto(f"{live_server.url}/kommuner/746100/")
    for task in MANUAL_TASKS:
        page.locator(f'li[data-task="{task}"] summary').click()
        form = page.locator(f'li[data-task="{task}"] form.sign-off')
        form.get_by_label("Ny status").select_option("done")
        form.get_by_label("Bemærkning").fill("Aftalt på styregruppemødet")
        form.get_by_role("button", name="Registrér").click()
        assert status_of(page, task) == "udført"

    # 6. The dry run for the cut-off date, then switching on with its code.
    page.locator("#dry-run-link").click()
    page.locator("#run-dry-run").click()
    code = page.locator(".preview-code").inner_text()
    assert "2 mellemværender" in page.content()
    screenshot(page, "3-dry-run")
    page.goto(f"{live_server.url}/kommuner/746100/")
    for task in (
        "order_kmd",
        "subscription",
        "agreement_registration",
        "agreement_coverage",
        "mapping",
        "debtor_rules",
        "cleansing",
        "cutoff",
    ):
        assert status_of(page, task) == "udført", (task, reasons_of(page, task))
    page.get_by_label("Prøvekørselskode").fill(code)
    page.get_by_role("button", name="Slå integrationen til").click()
    assert "Integrationen er slået til: 2 mellemværender er på vej." in page.content()
    assert status_of(page, "go_live") == "udført"
    screenshot(page, "4-live")

    agency.refresh_from_db()
    assert agency.integration_active
    assert agency.cutoff_date == cutoff
    assert OutboxMessage.objects.filter(agency=agency).count() == 2
