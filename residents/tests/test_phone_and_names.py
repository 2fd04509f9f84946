import pytest

from accounts.phone import is_valid_phone, mask_phone, normalize_phone
from linli.errors import ValidationFailed
from orgs.scope import Scope
from residents.names import pinyin_keys
from residents.selectors import resident_list_for_user
from residents.services import resident_create, resolve_address

# --- Mobile numbers ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    ["13800001234", "+8613800001234", "+86 138 0000 1234", "0086 138-0000-1234", " 138 0000 1234 ", "(138)00001234"],
)
def test_mobile_numbers_are_normalised(typed):
    assert normalize_phone(typed) == "13800001234"
    assert is_valid_phone(typed)


@pytest.mark.parametrize(
    "typed",
    ["1380000123", "138000012345", "12800001234", "23800001234", "0531-12345678", "abc", "", "+1 415 555 0100", "+86"],
)
def test_malformed_mobile_numbers_are_refused(typed):
    with pytest.raises(ValidationFailed) as excinfo:
        normalize_phone(typed)
    assert excinfo.value.code == "bad_phone"
    assert not is_valid_phone(typed)


def test_the_refusal_says_what_a_mobile_number_looks_like():
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationFailed) as excinfo:
        normalize_phone("1234")
    assert "11 digits" in str(excinfo.value.message) and "1234" in str(excinfo.value.message)


def test_phone_masking():
    assert mask_phone("13800001234") == "138****1234"
    assert mask_phone("") == ""
    assert mask_phone("12345") == "*****"


# --- Pinyin keys and search -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "full", "initials"),
    [
        ("张丽君", "zhanglijun", "zlj"),
        ("曾小明", "zengxiaoming", "zxm"),  # 曾 as a surname is zēng, not céng
        ("单田芳", "shantianfang", "stf"),  # 单 as a surname is shàn
        ("欧阳娜娜", "ouyangnana", "oynn"),
        ("李 明", "liming", "lm"),
        ("Anna李", "annali", "al"),
    ],
)
def test_pinyin_keys(name, full, initials):
    assert pinyin_keys(name) == (full, initials)


def test_search_by_initials_full_pinyin_and_parts(world):
    staff = Scope(world.user("staff_a"))
    a1 = world.residents["a1"]

    def found(q: str) -> list[str]:
        return [r.name for r in resident_list_for_user(scope=staff, community=world.community_a, query=q)]

    for q in ("zlj", "ZLJ", "zhanglijun", "zhang", "lijun", "张丽", "丽君", "0101", a1.phone, a1.id_number):
        assert found(q) == ["张丽君"], q
    assert found("ljg") == ["李建国"]
    assert found("wxy") == []  # 王秀英 lives in the other community
    assert found(world.residents["b1"].id_number) == []


def test_a_surname_read_differently_is_found_by_its_surname_reading(world):
    address = resolve_address(scope=None, community=world.community_a, grid_name="第一网格")
    from linli.testkit import make_id_number

    resident_create(actor=None, community=world.community_a, name="曾小明", id_number=make_id_number(seq=555), address=address)
    staff = Scope(world.user("staff_a"))
    assert [r.name for r in resident_list_for_user(scope=staff, community=world.community_a, query="zeng")] == ["曾小明"]
    assert [r.name for r in resident_list_for_user(scope=staff, community=world.community_a, query="zxm")] == ["曾小明"]
    assert not resident_list_for_user(scope=staff, community=world.community_a, query="ceng").exists()


def test_only_roles_that_may_reveal_search_by_a_full_number(world):
    """A full number is a key to a person: searching by it must not tell an officer who may
    list residents (masked) but not reveal numbers whether the number is registered."""
    a1 = world.residents["a1"]

    def found(user, query):
        return list(resident_list_for_user(scope=Scope(world.user(user)), community=world.community_a, query=query))

    assert found("staff_a", a1.phone) == [a1]
    assert found("staff_a", a1.id_number) == [a1]
    assert found("officer", a1.phone) == []
    assert found("officer", a1.id_number) == []
    assert found("officer", a1.phone[-4:]) == [a1]  # the last four digits stay searchable
