import pytest

from accounts.models import User
from accounts.services import user_create
from linli.errors import Conflict, ValidationFailed

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password",
    [
        "short1a",  # fewer than 8 characters
        "3141592653589",  # digits only
        "password123",  # on the common-passwords list
        "onlyletterspassphrase",  # no digit
        "zhangwei2026",  # too close to the username
    ],
)
def test_weak_passwords_are_refused_and_nothing_is_created(password):
    with pytest.raises(ValidationFailed) as excinfo:
        user_create(username="zhangwei2026", password=password, display_name="张伟")
    assert excinfo.value.code == "weak_password"
    assert excinfo.value.message
    assert not User.objects.filter(username="zhangwei2026").exists()


def test_a_strong_password_is_accepted_and_hashed():
    user = user_create(username="lisi", password="Lan-2026-hua", phone="+86 139 1234 5678")
    assert user.check_password("Lan-2026-hua")
    assert user.password != "Lan-2026-hua"
    assert user.phone == "13912345678"
    assert not user.is_staff and not user.is_superuser


def test_no_password_means_no_password_login():
    user = user_create(username="imported", password=None)
    assert not user.has_usable_password()


def test_usernames_are_unique_whatever_their_case():
    user_create(username="wangfang", password=None)
    with pytest.raises(Conflict):
        user_create(username="WangFang", password=None)
    assert User.objects.filter(username__iexact="wangfang").count() == 1


def test_a_mobile_number_belongs_to_one_account():
    user_create(username="a1", password=None, phone="13912345678")
    with pytest.raises(Conflict):
        user_create(username="a2", password=None, phone="139 1234 5678")
    assert not User.objects.filter(username="a2").exists()


def test_a_malformed_mobile_number_is_refused():
    with pytest.raises(ValidationFailed) as excinfo:
        user_create(username="a3", password=None, phone="12345")
    assert excinfo.value.code == "bad_phone"
    assert not User.objects.filter(username="a3").exists()
