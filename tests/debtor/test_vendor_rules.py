"""Vendor profiles at the receiving end: substitute CPR and modulus 11 on Prisme, the manual
queue of Prisme 2015, and the lenient profiles."""

import pytest
from django.core.exceptions import ValidationError

from bibdebitor.debtor import cycle
from bibdebitor.debtor.models import Account, Document
from bibdebitor.protocol.messages import Outcome

from .conftest import make_instance

pytestmark = pytest.mark.django_db

SUBSTITUTE = "6105801236"  # day 61: born the 1st, a substitute CPR
NO_MODULUS11 = "0101651234"


@pytest.mark.parametrize(
    ("vendor", "substitute", "no_modulus11"),
    [
        ("kmd_opus", "", ""),
        ("eg_os", "", ""),
        ("prisme_2015", "ERSTATNINGSCPR_AFVIST", ""),
        ("prisme_2009", "ERSTATNINGSCPR_AFVIST", ""),
    ],
)
def test_what_each_vendor_accepts(db, vendor, substitute, no_modulus11):
    debtor = make_instance(vendor)
    first = debtor.register(cpr=SUBSTITUTE, patron="1").lines[0]
    second = debtor.register(cpr=NO_MODULUS11, patron="2").lines[0]
    assert first.code == substitute
    assert second.code == no_modulus11
    assert all(line.text for line in (first, second) if line.outcome is Outcome.REJECTED)


def test_modulus_11_is_refused_only_where_the_municipality_set_it_up():
    """No source says a vendor refuses CPR numbers without modulus 11 (valid since 2007)."""
    debtor = make_instance("prisme_2015", requires_modulus11=True)
    assert debtor.register(cpr=NO_MODULUS11, patron="2").lines[0].code == "MODULUS11_AFVIST"


def test_prisme_2015_manual_queue_takes_substitute_cpr_but_sends_no_invoice(db):
    debtor = make_instance("prisme_2015", manual_queue=True)
    assert debtor.register(cpr=SUBSTITUTE).lines[0].outcome is Outcome.ACCEPTED
    assert Account.objects.get().manual
    cycle.advance(5)
    assert not Document.objects.exists()


def test_only_prisme_2015_has_a_manual_queue(db):
    debtor = make_instance("prisme_2009", manual_queue=True)
    with pytest.raises(ValidationError):
        debtor.instance.full_clean()
    assert debtor.register(cpr=SUBSTITUTE).lines[0].code == "ERSTATNINGSCPR_AFVIST"
