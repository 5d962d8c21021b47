import pytest
from django.core.management import CommandError, call_command

from bibdebitor.ledger.csv_import import ImportRejected, import_claims, import_patrons
from bibdebitor.ledger.models import Claim, ClaimEvent, Guardian, GuardianConsent, Patron
from bibdebitor.ledger.selectors import guardian_on, patron_is_blocked, patron_open_balance

pytestmark = pytest.mark.django_db

PATRONS = (
    "patron_number;kind;name;cpr;cvr;birth_date;guardian_cpr;guardian_name;consent_date;"
    "consent_reference\n"
    """2001;person;Søren Ærø;150575-1007;;;;;;
2002;person;Åse Ørsted;;;01-06-2015;0101902005;Jens Ørsted;1.3.2025;ESDH-17
2003;institution;Børnehaven Solsikken;;13585628;;;;;
"""
)

CLAIMS = (
    "claim_number,patron_number,kind,amount,created_on,due_date,acknowledgement_reference,"
    "item_number,title\n"
    """501,2001,gebyr,"150,00",01-10-2026,31-10-2026,,5123456789,Kaptajn Klo
502,2001,erstatning,"1.250,50",2026-10-02,2026-11-01,Kvittering 77,5123456790,Ærø rundt
503,2002,gebyr,30,05.10.2026,04.11.2026,,,
"""
)


def test_patrons_and_claims_are_imported(agency):
    assert import_patrons(agency, ("\ufeff" + PATRONS).encode(), actor="system:test") == 3
    assert import_claims(agency, CLAIMS.encode(), actor="system:test") == 3
    soren = Patron.objects.get(patron_number="2001")
    assert soren.cpr == "1505751007"
    assert patron_open_balance(soren) == 15000 + 125050
    assert patron_is_blocked(soren)
    ase = Patron.objects.get(patron_number="2002")
    assert guardian_on(ase, ase.consents.get().effective_on).name == "Jens Ørsted"
    replacement = Claim.objects.get(claim_number=502)
    assert replacement.events.filter(kind="acknowledged", reference="Kvittering 77").exists()
    assert replacement.materials.get().title == "Ærø rundt"


BAD_PATRONS = """patron_number;kind;name;cpr;cvr
3001;person;God Person;0101902005;
3002;person;Dårlig Dato;3202901234;
3003;virksomhed;Firma;;13585627
3001;person;Dublet;;
3005;alien;Ukendt;;
3006;person;Samme CPR;010190-2005;
;person;Uden nummer;;
"""


def test_a_bad_patron_file_is_rejected_whole_with_line_numbers(agency):
    with pytest.raises(ImportRejected) as caught:
        import_patrons(agency, BAD_PATRONS.encode(), actor="system:test")
    found = {(e.line, e.column, e.code) for e in caught.value.errors}
    assert found == {
        (3, "cpr", "cpr_date"),
        (4, "cvr", "cvr_check"),
        (5, "patron_number", "duplicate"),
        (6, "kind", "choice"),
        (7, "cpr", "duplicate"),
        (8, "patron_number", "required"),
    }
    assert Patron.objects.count() == 0
    for error in caught.value.errors:
        assert "3202901234" not in str(error)
        assert "0101902005" not in str(error)


def test_a_bad_claim_file_is_rejected_whole(agency, adult):
    bad = (
        "claim_number;patron_number;kind;amount;created_on;due_date;acknowledgement_reference\n"
        "1;1001;gebyr;20,00;01-10-2026;31-10-2026;\n"
        "2;9999;gebyr;20,00;01-10-2026;31-10-2026;\n"
        "3;1001;gebyr;tyve;01-10-2026;31-10-2026;\n"
        "4;1001;gebyr;0;01-10-2026;31-10-2026;\n"
        "5;1001;gebyr;20,00;31-02-2026;31-10-2026;\n"
        "6;1001;gebyr;20,00;01-10-2026;30-09-2026;\n"
        "7;1001;gebyr;20,00;01-10-2026;31-10-2026;kvittering\n"
        "1;1001;erstatning;20,00;01-10-2026;31-10-2026;\n"
        "8;1001;gebyr;20,00\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_claims(agency, bad.encode(), actor="system:test")
    found = {(e.line, e.column, e.code) for e in caught.value.errors}
    assert found == {
        (3, "patron_number", "unknown_patron"),
        (4, "amount", "amount_format"),
        (5, "amount", "zero_amount"),
        (6, "created_on", "date_invalid"),
        (7, "", "due_before_created"),
        (8, "", "acknowledgement_kind"),
        (9, "claim_number", "duplicate"),
        (10, "", "columns"),
    }
    assert Claim.objects.count() == 0
    assert ClaimEvent.objects.count() == 0


def test_header_problems_are_reported_before_any_row(agency):
    with pytest.raises(ImportRejected) as caught:
        import_patrons(agency, b"patron_number;name;colour\n1;x;red\n", actor="system:test")
    assert {(e.line, e.column, e.code) for e in caught.value.errors} == {
        (1, "colour", "unknown_column"),
        (1, "kind", "missing_column"),
    }


def test_a_file_that_is_not_utf8_is_rejected(agency):
    data = "patron_number;kind;name\n1;person;Søren\n".encode("latin-1")
    with pytest.raises(ImportRejected) as caught:
        import_patrons(agency, data, actor="system:test")
    assert [(e.line, e.code) for e in caught.value.errors] == [(2, "encoding")]


def test_guardian_columns_are_checked(agency):
    rows = (
        "patron_number;kind;name;birth_date;guardian_cpr;guardian_name;consent_date;"
        "consent_reference\n"
        "1;person;Barn;01-06-2015;0101154000;Også barn;01-03-2025;J-1\n"
        "2;person;Voksen;01-06-1980;0101902005;Værge;01-03-2025;J-2\n"
        "3;person;Barn;01-06-2015;0101902005;;01-03-2025;J-3\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_patrons(agency, rows.encode(), actor="system:test")
    assert {(e.line, e.column, e.code) for e in caught.value.errors} == {
        (2, "guardian_cpr", "guardian_minor"),
        (3, "consent_date", "consent_adult"),
        (4, "guardian_name", "required"),
    }
    assert Guardian.objects.count() == GuardianConsent.objects.count() == 0


def test_an_imported_consent_needs_its_journal_reference(agency):
    """Seed 000: "Samtykke skal journaliseres og gemmes"."""
    rows = (
        "patron_number;kind;name;birth_date;guardian_cpr;guardian_name;consent_date;"
        "consent_reference\n"
        "1;person;Barn;01-06-2015;0101902005;Værge;01-03-2025;\n"
    )
    with pytest.raises(ImportRejected) as caught:
        import_patrons(agency, rows.encode(), actor="system:test")
    assert {(e.line, e.column, e.code) for e in caught.value.errors} == {
        (2, "consent_reference", "consent_no_reference"),
    }


def test_command_reports_errors_in_danish(agency, tmp_path, capsys):
    path = tmp_path / "laanere.csv"
    path.write_text(BAD_PATRONS, encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        call_command("import", "patrons", str(path), agency="717300")
    assert "Intet blev importeret" in str(caught.value)
    err = capsys.readouterr().err
    assert "linje 3, kolonne cpr:" in err
    assert "3202901234" not in err
    good = tmp_path / "ok.csv"
    good.write_text(PATRONS, encoding="utf-8")
    call_command("import", "patrons", str(good), agency="717300")
    assert "3 rækker importeret" in capsys.readouterr().out
