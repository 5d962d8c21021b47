import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibdebitor.domain.payment_codes import (
    CodeLine,
    PaymentCodeError,
    code_line,
    parse_code_line,
    payment_id,
)


@pytest.mark.parametrize(
    ("reference", "expected"),
    [(1, "000000000000018"), (2, "000000000000026"), (2684014996532, "026840149965328")],
)
def test_payment_ids_match_the_published_vectors(reference, expected):
    assert payment_id(reference) == expected


def test_a_code_line_is_printed_as_on_the_card():
    assert str(code_line(1, "86836084")) == "+71<000000000000018+86836084<"


@pytest.mark.parametrize(
    "text",
    [
        "+71<004040400000669+86836084<",
        ">71< 004040400000669 +86836084<",
        " +71<004040400000669+86836084< ",
    ],
)
def test_keyed_and_scanned_forms_are_read(text):
    assert parse_code_line(text) == CodeLine("004040400000669", "86836084")


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("+71<026840149965327+86836084<", "code_line_check_digit"),  # wrong check digit
        ("+71<02684014996532+86836084<", "code_line_check_digit"),  # 14 digits
        ("+75<0268401499653288+86836084<", "code_line_card_type"),
        ("+71<026840149965328+12345678<", "creditor_number"),  # does not start with 8
        ("+71<026840149965328+8683608<", "creditor_number"),
        ("71 026840149965328 86836084", "code_line_format"),
        ("", "code_line_format"),
    ],
)
def test_bad_code_lines_are_refused_precisely(text, code):
    with pytest.raises(PaymentCodeError) as refused:
        parse_code_line(text)
    assert refused.value.code == code


@pytest.mark.parametrize("reference", [0, -1, 10**14])
def test_references_outside_14_digits_are_refused(reference):
    with pytest.raises(PaymentCodeError):
        payment_id(reference)


@given(st.integers(min_value=1, max_value=10**14 - 1))
def test_every_code_line_reads_back_to_its_reference(reference):
    line = code_line(reference, "86836084")
    parsed = parse_code_line(str(line))
    assert parsed == line
    assert parsed.reference == reference
