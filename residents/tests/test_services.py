import pytest

from linli.errors import Conflict, Forbidden, NotFound, ValidationFailed
from linli.testkit import make_id_number
from orgs.scope import Scope
from residents.models import Household, Resident, RevealField, RevealLog
from residents.services import (
    resident_account_create,
    resident_create,
    resident_reveal,
    resident_update,
    resolve_address,
)

pytestmark = pytest.mark.django_db

NEW_ID = make_id_number(birth="19880808", seq=333)


def address(world, grid="第一网格", building="1号楼", scope=None, community=None, room="501"):
    return resolve_address(
        scope=scope, community=community or world.community_a, grid_name=grid, building_name=building, unit="2", room=room
    )


def create(world, actor="staff_a", **overrides):
    values = {"name": "赵敏", "id_number": NEW_ID, "phone": "+86 137 0000 0333", "address": address(world)}
    values.update(overrides)
    scope = Scope(world.user(actor)) if actor else None
    return resident_create(actor=scope, community=world.community_a, **values)


# --- resident_create ----------------------------------------------------------------------------


def test_create_derives_birth_date_gender_pinyin_and_household(world):
    r = create(world)
    assert (r.birth_date.isoformat(), r.gender) == ("1988-08-08", "M")
    assert r.phone == "13700000333"
    assert (r.name_pinyin, r.name_initials) == ("zhaomin", "zm")
    assert r.grid == world.grid_a1 and r.building == world.building_a1
    assert r.household == Household.objects.get(community=world.community_a, building=world.building_a1, unit="2", room="501")
    assert r.address == "1号楼2单元501室"


@pytest.mark.parametrize(
    ("overrides", "code"),
    [
        ({"name": "  "}, "no_name"),
        ({"name": "名" * 51}, "bad_name"),
        ({"id_number": NEW_ID[:17] + ("0" if NEW_ID[17] != "0" else "1")}, "bad_id_number"),
        ({"id_number": NEW_ID[:17]}, "bad_id_number"),
        ({"phone": "1370000033"}, "bad_phone"),
    ],
)
def test_create_refuses_bad_input_and_creates_nothing(world, overrides, code):
    before = (Resident.objects.count(), Household.objects.count())
    with pytest.raises(ValidationFailed) as excinfo:
        create(world, **overrides)
    assert excinfo.value.code == code
    assert (Resident.objects.count(), Household.objects.count()) == before


def test_unknown_grids_and_buildings_are_refused(world):
    with pytest.raises(ValidationFailed) as excinfo:
        address(world, grid="第九网格")
    assert excinfo.value.code == "unknown_grid"
    with pytest.raises(ValidationFailed) as excinfo:
        address(world, grid="第二网格", building="1号楼")  # 1号楼 is in 第一网格
    assert excinfo.value.code == "unknown_building"
    with pytest.raises(ValidationFailed):
        address(world, grid="")


def test_the_same_id_number_twice_in_a_community_is_refused(world):
    create(world)
    before = Resident.objects.count()
    with pytest.raises(Conflict) as excinfo:
        create(world, name="赵敏二", id_number=NEW_ID.lower() if NEW_ID.endswith("X") else NEW_ID)
    assert excinfo.value.code == "duplicate_resident"
    assert NEW_ID not in str(excinfo.value.message)  # the message masks the number
    assert Resident.objects.count() == before


def test_the_same_person_may_be_registered_in_another_community(world):
    create(world)
    b_address = address(world, community=world.community_b, building="1号楼")
    r = resident_create(
        actor=Scope(world.user("staff_b")), community=world.community_b, name="赵敏", id_number=NEW_ID, address=b_address
    )
    assert r.community == world.community_b


def test_only_managers_of_the_community_may_create(world):
    before = Resident.objects.count()
    for who in ("staff_b", "committee_a", "officer", "partner_a", "resident_a"):
        with pytest.raises(NotFound):
            create(world, actor=who)
    assert Resident.objects.count() == before


def test_a_grid_worker_registers_residents_of_their_own_grid_only(world):
    grid = Scope(world.user("grid_a1"))
    r = create(world, actor="grid_a1", address=address(world, scope=grid))
    assert r.grid == world.grid_a1
    with pytest.raises(Forbidden):
        address(world, grid="第二网格", building="2号楼", scope=grid)


# --- resident_update ----------------------------------------------------------------------------


def test_update_changes_fields_and_keeps_history(world):
    a1 = world.residents["a1"]
    resident_update(actor=Scope(world.user("staff_a")), resident=a1, name="张丽娟", phone="13700009999", note="独居")
    a1.refresh_from_db()
    assert (a1.name, a1.name_initials, a1.phone, a1.note) == ("张丽娟", "zlj", "13700009999", "独居")
    assert a1.history.count() == 3  # created, user linked (testkit), updated
    assert a1.history.first().name == "张丽娟" and a1.history.last().name == "张丽君"


@pytest.mark.parametrize(
    ("changes", "code"),
    [({"name": " "}, "no_name"), ({"name": "名" * 51}, "bad_name"), ({"name": "新名字", "phone": "123"}, "bad_phone")],
)
def test_update_refuses_bad_input_and_changes_nothing(world, changes, code):
    a1 = world.residents["a1"]
    history = a1.history.count()
    with pytest.raises(ValidationFailed) as excinfo:
        resident_update(actor=Scope(world.user("staff_a")), resident=a1, **changes)
    assert excinfo.value.code == code
    assert a1.name == "张丽君" and a1.phone == "13800000101"  # not even the object in hand
    a1.refresh_from_db()
    assert a1.name == "张丽君" and a1.phone == "13800000101"
    assert a1.history.count() == history


def test_update_moves_a_resident_to_another_address(world):
    a2 = world.residents["a2"]
    resident_update(actor=Scope(world.user("staff_a")), resident=a2, address=address(world, grid="第二网格", building="2号楼"))
    a2.refresh_from_db()
    assert a2.grid == world.grid_a2 and a2.building.name == "2号楼" and a2.household is not None


def test_update_by_someone_outside_is_not_found(world):
    b1 = world.residents["b1"]
    for who in ("staff_a", "committee_a", "officer"):
        with pytest.raises(NotFound):
            resident_update(actor=Scope(world.user(who)), resident=b1, note="x")
    b1.refresh_from_db()
    assert b1.note == ""


def test_a_grid_worker_cannot_update_a_resident_of_another_grid(world):
    a2 = world.residents["a2"]
    with pytest.raises(NotFound):
        resident_update(actor=Scope(world.user("grid_a1")), resident=a2, note="改一下")
    a2.refresh_from_db()
    assert a2.note == ""
    resident_update(actor=Scope(world.user("grid_a1")), resident=world.residents["a1"], note="家访")
    world.residents["a1"].refresh_from_db()
    assert world.residents["a1"].note == "家访"


# --- resident_reveal ----------------------------------------------------------------------------


def test_reveal_returns_the_full_value_and_logs_who_and_why(world):
    a1 = world.residents["a1"]
    value = resident_reveal(
        actor=Scope(world.user("staff_a")), resident=a1, field=RevealField.ID_NUMBER, reason="办理高龄补贴", ip_address="10.0.0.8"
    )
    assert value == a1.id_number
    log = RevealLog.objects.get()
    assert (log.actor, log.resident, log.community, log.field, log.reason, log.ip_address) == (
        world.user("staff_a"), a1, world.community_a, "id_number", "办理高龄补贴", "10.0.0.8"
    )
    assert resident_reveal(actor=Scope(world.user("staff_a")), resident=a1, field="phone", reason="电话回访") == a1.phone
    assert RevealLog.objects.count() == 2


@pytest.mark.parametrize("reason", ["", " ", "x"])
def test_reveal_needs_a_reason(world, reason):
    with pytest.raises(ValidationFailed) as excinfo:
        resident_reveal(actor=Scope(world.user("staff_a")), resident=world.residents["a1"], field="phone", reason=reason)
    assert excinfo.value.code == "no_reason"
    assert not RevealLog.objects.exists()


def test_only_the_id_number_or_phone_can_be_revealed(world):
    with pytest.raises(ValidationFailed):
        resident_reveal(actor=Scope(world.user("staff_a")), resident=world.residents["a1"], field="export", reason="看看")
    assert not RevealLog.objects.exists()


@pytest.mark.parametrize("who", ["committee_a", "officer", "auditor_a", "partner_a", "staff_b", "resident_a"])
def test_roles_without_the_reveal_capability_are_refused(world, who):
    with pytest.raises(Forbidden):
        resident_reveal(actor=Scope(world.user(who)), resident=world.residents["a1"], field="phone", reason="想看看")
    assert not RevealLog.objects.exists()


def test_a_grid_worker_reveals_only_in_their_own_grid(world):
    grid = Scope(world.user("grid_a1"))
    assert resident_reveal(actor=grid, resident=world.residents["a1"], field="phone", reason="家访") == "13800000101"
    with pytest.raises(Forbidden):
        resident_reveal(actor=grid, resident=world.residents["a2"], field="phone", reason="家访")
    assert RevealLog.objects.count() == 1


# --- resident_account_create --------------------------------------------------------------------


def test_a_resident_gets_a_login_they_open_with_their_mobile_number(world):
    from django.test import Client

    a2 = world.residents["a2"]
    user = resident_account_create(actor=Scope(world.user("staff_a")), resident=a2, password="Li-jianguo-2026")
    a2.refresh_from_db()
    assert a2.user == user and user.phone == a2.phone
    # The username is generated, not the number: residents type their number to log in.
    assert user.username.startswith("r") and a2.phone not in user.username
    client = Client()
    assert client.post("/accounts/login/", {"username": a2.phone, "password": "Li-jianguo-2026"}, follow=True).redirect_chain[-1][0] == "/me/"
    with pytest.raises(Conflict):
        resident_account_create(actor=Scope(world.user("staff_a")), resident=a2, password="Li-jianguo-2026")


def test_a_login_is_created_only_by_someone_who_manages_that_resident(world):
    a2 = world.residents["a2"]
    with pytest.raises(NotFound):
        resident_account_create(actor=Scope(world.user("grid_a1")), resident=a2, password="Li-jianguo-2026")
    a2.refresh_from_db()
    assert a2.user is None


def test_two_registrations_of_one_person_at_the_same_moment(world, monkeypatch):
    """Both requests pass the duplicate check before either has written: the database's unique
    constraint refuses the second, which must be the same Conflict, not a server error."""
    import residents.services as services

    original = services.pinyin_keys

    def pinyin_keys_while_a_competitor_registers(name):
        monkeypatch.setattr(services, "pinyin_keys", original)
        create(world, name="赵敏（另一窗口）")  # the competing request commits now
        return original(name)

    monkeypatch.setattr(services, "pinyin_keys", pinyin_keys_while_a_competitor_registers)
    with pytest.raises(Conflict) as excinfo:
        create(world)
    assert excinfo.value.code == "duplicate_resident"
    # The connection is still usable after the refused insert (without the savepoint PostgreSQL
    # would refuse every further query in the transaction). In this one-connection simulation the
    # competitor's write rolls back with the refused registration.
    assert Resident.objects.filter(community=world.community_a).count() == 2
