import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.domain.dates import age_on, parse_date
from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.money import format_kroner, parse_claim_amount, parse_kroner


@pytest.mark.parametrize(
    ("text", "ore"),
    [
        ("125", 12500),
        ("125,50", 12550),
        ("125,5", 12550),
        ("1.234,50", 123450),
        ("1.234", 123400),
        ("1234.50", 123450),
        ("12.5", 1250),
        ("125 kr.", 12500),
        ("kr. 10,00", 1000),
        ("0,01", 1),
        ("1.000.000,00", 100000000),
        ("-20,00", -2000),
    ],
)
def test_parse_kroner(text, ore):
    assert parse_kroner(text) == ore


@pytest.mark.parametrize("text", ["", "abc", "12,345", "1.23.4", "12,", "1,2,3", "1e3", "NaN"])
def test_parse_kroner_refuses(text):
    with pytest.raises(DomainError) as caught:
        parse_kroner(text)
    assert caught.value.code == "amount_format"


@pytest.mark.parametrize(
    ("ore", "text"),
    [
        (0, "0,00 kr."),
        (1, "0,01 kr."),
        (12550, "125,50 kr."),
        (123450, "1.234,50 kr."),
        (-2000, "-20,00 kr."),
        (100000000, "1.000.000,00 kr."),
    ],
)
def test_format_kroner(ore, text):
    assert format_kroner(ore) == text


@given(st.integers(min_value=-(10**12), max_value=10**12))
def test_format_then_parse_is_identity(ore):
    assert parse_kroner(format_kroner(ore)) == ore


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("2024-03-01", dt.date(2024, 3, 1)),
        ("01-03-2024", dt.date(2024, 3, 1)),
        ("1.3.2024", dt.date(2024, 3, 1)),
        ("01/03/2024", dt.date(2024, 3, 1)),
        ("29-02-2024", dt.date(2024, 2, 29)),
    ],
)
def test_parse_date(text, date):
    assert parse_date(text) == date


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("29-02-2023", "date_invalid"),
        ("2024-13-01", "date_invalid"),
        ("03/01/24", "date_format"),
        ("", "date_format"),
        ("i går", "date_format"),
    ],
)
def test_parse_date_refuses(text, code):
    with pytest.raises(DomainError) as caught:
        parse_date(text)
    assert caught.value.code == code


def test_age_on_birthdays_and_leap_days():
    assert age_on(dt.date(2008, 11, 21), dt.date(2026, 11, 20)) == 17
    assert age_on(dt.date(2008, 11, 21), dt.date(2026, 11, 21)) == 18
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 2, 28)) == 17
    assert age_on(dt.date(2008, 2, 29), dt.date(2026, 3, 1)) == 18


def test_a_claim_amount_must_be_positive():
    assert parse_claim_amount("0,01") == 1
    for text in ("0", "0,00", "-5"):
        with pytest.raises(DomainError) as caught:
            parse_claim_amount(text)
        assert caught.value.code == "zero_amount"
