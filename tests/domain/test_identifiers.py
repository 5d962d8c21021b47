import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.domain.errors import DomainError
from bibdebitor.domain.identifiers import (
    Gender,
    IdentifierWarning,
    generate_substitute_cpr,
    mask_cpr,
    parse_cpr,
    parse_cvr,
    parse_gln,
    parse_p_number,
    substitute_cpr_candidates,
)

TODAY = dt.date(2026, 11, 21)


@pytest.mark.parametrize(
    ("number", "birth_date", "gender"),
    [
        ("150575-1007", dt.date(1975, 5, 15), Gender.MALE),
        ("0101902005", dt.date(1990, 1, 1), Gender.MALE),
        ("2902004001", dt.date(2000, 2, 29), Gender.MALE),  # leap day in a leap century year
        ("0101374009", dt.date(1937, 1, 1), Gender.MALE),  # 7th digit 4, yy >= 37: 1900s
        ("0101009009", dt.date(2000, 1, 1), Gender.MALE),  # 7th digit 9, yy <= 36: 2000s
        ("3112999018", dt.date(1999, 12, 31), Gender.FEMALE),  # 7th digit 9, yy >= 37: 1900s
        ("0101585018", dt.date(1858, 1, 1), Gender.FEMALE),  # 7th digit 5, yy >= 58: 1800s
        ("2110625009", dt.date(1862, 10, 21), Gender.MALE),
        (" 010190 2005 ", dt.date(1990, 1, 1), Gender.MALE),
    ],
)
def test_real_cpr_numbers(number, birth_date, gender):
    cpr = parse_cpr(number, today=TODAY)
    assert cpr.birth_date == birth_date
    assert cpr.gender is gender
    assert not cpr.is_substitute
    assert cpr.passes_modulus11
    assert cpr.warnings == ()


def test_cpr_without_modulus11_is_valid_with_a_warning():
    # Issued since 1 October 2007, mostly for 1 January birth dates.
    cpr = parse_cpr("0101650000", today=TODAY)
    assert not cpr.passes_modulus11
    assert cpr.warnings == (IdentifierWarning.CPR_NO_MODULUS11,)
    assert cpr.birth_date == dt.date(1965, 1, 1)


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("010190200", "cpr_format"),  # nine digits
        ("01019020055", "cpr_format"),
        ("010190-2O05", "cpr_format"),  # letter O
        ("", "cpr_format"),
        ("3202901234", "cpr_date"),  # 32 February
        ("2902010000", "cpr_date"),  # 2001 is no leap year
        ("2902000000", "cpr_date"),  # 7th digit 0: 1900, not a leap year
        ("0113901234", "cpr_date"),  # month 13
        ("0001901234", "cpr_date"),  # day 0
        ("0101364000", "cpr_future"),  # 7th digit 4, yy 36: 2036
        ("0101575000", "cpr_future"),  # 7th digit 5, yy 57: 2057
    ],
)
def test_invalid_cpr_numbers(number, code):
    with pytest.raises(DomainError) as caught:
        parse_cpr(number, today=TODAY)
    assert caught.value.code == code
    assert number.strip() == "" or number not in str(caught.value)


@pytest.mark.parametrize(
    ("number", "birth_date"),
    [
        ("6101901234", dt.date(1990, 1, 1)),  # day 61 = the 1st
        ("9112801234", dt.date(1980, 12, 31)),  # day 91 = the 31st
        ("8902004001", dt.date(2000, 2, 29)),  # leap day + 60
    ],
)
def test_substitute_cpr_is_recognised(number, birth_date):
    cpr = parse_cpr(number, today=TODAY)
    assert cpr.is_substitute
    assert cpr.birth_date == birth_date


@pytest.mark.parametrize("number", ["9201901234", "8902010000", "6002901234"])
def test_substitute_cpr_must_hold_a_real_date(number):
    # 92 - 60 = 32nd; 29 Feb 2001; day 60 - 60 = 0
    with pytest.raises(DomainError) as caught:
        parse_cpr(number, today=TODAY)
    assert caught.value.code == "cpr_date"


def test_masking_keeps_the_date_and_hides_the_serial():
    assert mask_cpr("0101902005") == "010190-XXXX"
    assert mask_cpr("010190-2005") == "010190-XXXX"
    assert repr(parse_cpr("0101902005", today=TODAY)) == "Cpr(010190-XXXX, substitute=False)"


birth_dates = st.dates(min_value=dt.date(1858, 1, 1), max_value=TODAY)


@given(birth_dates, st.sampled_from(list(Gender)))
def test_generated_substitute_cpr_parses_back(birth_date, gender):
    number = generate_substitute_cpr(birth_date, gender, lambda _n: False)
    cpr = parse_cpr(number, today=TODAY)
    assert cpr.is_substitute
    assert cpr.birth_date == birth_date
    assert cpr.gender is gender
    assert cpr.passes_modulus11  # modulus-11-valid candidates come first


@given(birth_dates, st.sampled_from(list(Gender)), st.integers(min_value=1, max_value=40))
def test_generated_substitute_cpr_skips_taken_numbers(birth_date, gender, taken_count):
    taken = set()
    for _ in range(taken_count):
        taken.add(generate_substitute_cpr(birth_date, gender, taken.__contains__))
    assert len(taken) == taken_count
    assert all(n[:2] == f"{birth_date.day + 60:02d}" for n in taken)


def test_substitute_candidates_are_unique_and_eventually_exhausted():
    birth_date = dt.date(1990, 6, 15)
    candidates = list(substitute_cpr_candidates(birth_date, Gender.FEMALE))
    assert len(candidates) == len(set(candidates)) == 6 * 100 * 5  # 7th digit 0-4 or 9 for 1990
    taken = set(candidates)
    with pytest.raises(DomainError) as caught:
        generate_substitute_cpr(birth_date, Gender.FEMALE, taken.__contains__)
    assert caught.value.code == "cpr_exhausted"


@given(st.text(alphabet="0123456789- ", max_size=14))
def test_mask_never_shows_the_serial(text):
    masked = mask_cpr(text)
    assert masked.endswith("XXXX")


@pytest.mark.parametrize(
    ("number", "expected"),
    [("13585628", "13585628"), ("DK 13585628", "13585628"), ("13748136", "13748136")],
)
def test_valid_cvr(number, expected):
    assert parse_cvr(number) == expected


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("13585627", "cvr_check"),
        ("03585628", "cvr_check"),
        ("1358562", "cvr_format"),
        ("1358562X", "cvr_format"),
    ],
)
def test_invalid_cvr(number, code):
    with pytest.raises(DomainError) as caught:
        parse_cvr(number)
    assert caught.value.code == code


def test_p_number_check_digit_is_a_warning():
    assert parse_p_number("1029829825").warnings == ()
    checked = parse_p_number("1029829824")
    assert checked.number == "1029829824"
    assert checked.warnings == (IdentifierWarning.P_NUMBER_CHECK_DIGIT,)
    with pytest.raises(DomainError) as caught:
        parse_p_number("102982982")
    assert caught.value.code == "p_number_format"


@pytest.mark.parametrize(
    ("number", "code"),
    [
        ("4006381333932", "gln_check"),
        ("400638133393", "gln_format"),
        ("40063813339310", "gln_format"),
        ("96385074", "gln_format"),
    ],
)
def test_invalid_gln(number, code):
    with pytest.raises(DomainError) as caught:
        parse_gln(number)
    assert caught.value.code == code


def test_valid_gln():
    assert parse_gln("4006381333931") == "4006381333931"
    assert parse_gln("5790000000005") == "5790000000005"
