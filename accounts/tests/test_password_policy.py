"""The password policy (等保2.0 complexity, ASVS common-password check): length and character
classes from settings, Chinese messages (docs/decisions/0004-password-policy.md)."""

import os
import subprocess
import sys

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import password_validators_help_texts, validate_password
from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.test import override_settings
from django.utils import translation

from accounts.models import User
from accounts.services import user_create
from accounts.validators import DIGIT, LOWER, SYMBOL, UPPER, PasswordPolicyValidator, character_classes
from linli.errors import ValidationFailed
from linli.testkit import PASSWORD as TEST_PASSWORD

DEMO_PASSWORD = "linli-demo-2026"  # demo/logins.py, fund/demo.py: printed for the showcase, must keep working


def refusal_codes(password: str, user=None) -> list[str]:
    """The codes of every rule the password breaks; [] when it is accepted."""
    try:
        validate_password(password, user)
    except ValidationError as exc:
        return [error.code for error in exc.error_list]
    return []


def test_the_defaults_are_8_characters_from_3_classes():
    assert settings.LINLI_PASSWORD_MIN_LENGTH == 8
    assert settings.LINLI_PASSWORD_MIN_CLASSES == 3


@pytest.mark.parametrize("password", ["Ab1-xyz", "lin-202", "青山a-1绿水"])
def test_seven_characters_are_refused_whatever_their_classes(password):
    assert len(password) == 7
    assert refusal_codes(password) == ["password_too_short"]


@pytest.mark.parametrize(
    "password",
    [
        "lin-2026",  # lower-case, symbol, digits
        "Linli202",  # upper-case, lower-case, digits
        "LINLI-26",  # upper-case, symbol, digits
        "Lin-2026",  # all four
    ],
)
def test_eight_characters_from_three_classes_are_accepted(password):
    assert len(password) == 8
    assert refusal_codes(password) == []


@pytest.mark.parametrize(
    "password",
    [
        "qingshan2026",  # lower-case, digits
        "QingshanLvsh",  # upper-case, lower-case
        "qingshan-lvs",  # lower-case, symbol
        "2026-0101-88",  # digits, symbol
    ],
)
def test_twelve_characters_from_only_two_classes_are_refused(password):
    assert len(password) == 12
    assert refusal_codes(password) == ["password_classes"]


def test_a_symbol_counts_as_a_class():
    assert character_classes("-") == {SYMBOL}
    assert character_classes("!@#$%^&*()_+=[]{};:'\",.<>/?\\|`~") == {SYMBOL}
    # The same letters and digits: refused without the symbol, accepted with it.
    assert refusal_codes("qingshan2026") == ["password_classes"]
    assert refusal_codes("qingshan-2026") == []


def test_the_four_classes_are_recognised():
    assert character_classes("Ab1-") == {UPPER, LOWER, DIGIT, SYMBOL}
    assert character_classes("") == set()


@pytest.mark.parametrize("text", ["张伟密码", "青山绿水长流不息", "，。！？", "ＡＢＣ", "ａｂｃ", "１２３", "   ", "é"])
def test_chinese_characters_full_width_forms_and_spaces_belong_to_no_class(text):
    assert character_classes(text) == set()


def test_chinese_characters_do_not_make_up_a_missing_class():
    assert refusal_codes("张伟张伟张伟张伟") == ["password_classes"]
    assert refusal_codes("张伟的密码qing2026") == ["password_classes"]  # lower-case and digits only
    # They do count towards the length: 6 Chinese characters + 3 classes make 9 characters.
    assert refusal_codes("青山a-1绿水长流") == []


def test_the_demo_and_test_passwords_still_pass():
    assert refusal_codes(DEMO_PASSWORD) == []
    assert refusal_codes(TEST_PASSWORD) == []


@pytest.mark.django_db
def test_the_demo_password_still_creates_an_account():
    user = user_create(username="demo-login", password=DEMO_PASSWORD, display_name="演示账号")
    assert user.check_password(DEMO_PASSWORD)


def test_settings_of_10_characters_and_4_classes_change_the_outcome():
    assert refusal_codes("Lin-2026x") == []  # 9 characters
    assert refusal_codes(DEMO_PASSWORD) == []  # 3 classes
    with override_settings(LINLI_PASSWORD_MIN_LENGTH=10, LINLI_PASSWORD_MIN_CLASSES=4):
        assert refusal_codes("Lin-2026x") == ["password_too_short"]
        assert refusal_codes(DEMO_PASSWORD) == ["password_classes"]
        assert refusal_codes("Linli-demo-2026") == []
        with translation.override("en"):
            help_text = " ".join(password_validators_help_texts())
        assert "at least 10 characters" in help_text and "at least 4 of the 4 kinds" in help_text


def test_settings_can_ask_for_length_alone():
    with override_settings(LINLI_PASSWORD_MIN_LENGTH=12, LINLI_PASSWORD_MIN_CLASSES=0):
        assert refusal_codes("qingshanlvshui") == []
        assert refusal_codes("qingshan-26") == ["password_too_short"]


@pytest.mark.parametrize("overrides", [{"LINLI_PASSWORD_MIN_CLASSES": 5}, {"LINLI_PASSWORD_MIN_LENGTH": 0}])
def test_impossible_settings_are_a_configuration_error(overrides):
    with override_settings(**overrides), pytest.raises(ImproperlyConfigured):
        validate_password("Lin-2026-qingshan")


def test_options_in_the_validator_list_take_precedence_over_the_settings():
    validator = PasswordPolicyValidator(min_length=6, min_classes=2)
    validator.validate("qing26")
    with pytest.raises(ValidationError):
        validator.validate("qingsh")


def test_the_settings_are_read_from_the_environment():
    env = {k: v for k, v in os.environ.items() if not k.startswith("LINLI_PASSWORD_")}
    env.update(
        LINLI_PASSWORD_MIN_LENGTH="12", LINLI_PASSWORD_MIN_CLASSES="4", DJANGO_SETTINGS_MODULE="linli.settings_test"
    )
    code = "from django.conf import settings; print(settings.LINLI_PASSWORD_MIN_LENGTH, settings.LINLI_PASSWORD_MIN_CLASSES)"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=settings.BASE_DIR, env=env, capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["12", "4"]


@pytest.mark.parametrize("password", ["P@ssw0rd", "Password1", "Qwerty123"])
def test_a_common_password_is_refused_even_when_it_meets_the_length_and_classes(password):
    assert len(password) >= 8 and len(character_classes(password)) >= 3
    assert refusal_codes(password) == ["password_too_common"]


@pytest.mark.django_db
def test_a_password_like_the_username_is_still_refused():
    user = User(username="qingshan2026", display_name="青山")
    assert "password_too_similar" in refusal_codes("Qingshan2026!", user)


def test_all_digits_are_still_refused():
    assert "password_entirely_numeric" in refusal_codes("20260101")


def test_the_messages_are_chinese_and_say_what_is_missing():
    with translation.override("zh-hans"), pytest.raises(ValidationError) as excinfo:
        validate_password("qsh2026")
    assert excinfo.value.messages == [
        "密码太短：至少需要 8 个字符，当前只有 7 个。",
        "密码须包含大写字母、小写字母、数字、符号这 4 类字符中的至少 3 类，当前只有 2 类。"
        "请再从以下类别中加入 1 类：大写字母、符号。",
    ]


def test_the_help_text_describes_the_rule_in_chinese():
    with translation.override("zh-hans"):
        help_text = PasswordPolicyValidator().get_help_text()
        assert help_text in password_validators_help_texts()
    assert help_text == (
        "密码至少需要 8 个字符，并须包含大写字母、小写字母、数字、符号（如 - _ ! @ #）这 4 类字符中的至少 3 类。"
        "可以使用汉字和空格，但它们不属于其中任何一类。"
    )


def test_the_messages_are_english_for_an_english_reader():
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        validate_password("张伟张伟张伟张伟")
    assert excinfo.value.messages == [
        "The password must mix at least 3 of the 4 kinds of character (upper-case letters, lower-case letters, "
        "digits, symbols) but has 0. Add 3 more from: upper-case letters, lower-case letters, digits, symbols."
    ]


@pytest.mark.django_db
def test_creating_an_account_with_a_weak_password_shows_the_chinese_reason():
    with translation.override("zh-hans"), pytest.raises(ValidationFailed) as excinfo:
        user_create(username="wangfang", password="qingshan-lvs", display_name="王芳")
    assert excinfo.value.code == "weak_password"
    assert "加入 1 类：大写字母、数字" in str(excinfo.value.message)
    assert not User.objects.filter(username="wangfang").exists()
