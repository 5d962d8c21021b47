import pytest

from tests.staff_lockout import check_staff_lockout

pytestmark = pytest.mark.django_db


def test_the_debtor_systems_staff_sign_in_locks_after_five_wrong_passwords():
    check_staff_lockout()
