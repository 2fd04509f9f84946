import io

import openpyxl
import pytest

from linli.testkit import PASSWORD
from residents.models import RevealField, RevealLog

pytestmark = pytest.mark.django_db

EXPORT = "/console/residents/export.xlsx"


def sheet(response) -> list[tuple]:
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert "attachment" in response["Content-Disposition"]
    return list(openpyxl.load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))


def test_the_export_is_masked_by_default_and_logs_nothing(world, login):
    rows = sheet(login(world.user("staff_a")).get(EXPORT))
    assert rows[0][:5] == ("姓名", "性别", "年龄", "身份证号", "手机号")
    by_name = {r[0]: r for r in rows[1:]}
    assert set(by_name) == {"张丽君", "李建国"}  # nobody of the other community
    a1 = world.residents["a1"]
    assert by_name["张丽君"][3] == a1.id_number_masked and by_name["张丽君"][4] == a1.phone_masked
    assert not RevealLog.objects.exists()


def test_the_export_follows_the_search(world, login):
    rows = sheet(login(world.user("staff_a")).get(EXPORT, {"q": "ljg"}))
    assert [r[0] for r in rows[1:]] == ["李建国"]


def test_a_full_export_needs_a_reason(world, login):
    response = login(world.user("staff_a")).get(EXPORT, {"full": "1"})
    assert response.status_code == 422
    assert not RevealLog.objects.exists()


def confirmed(client):
    """The password confirmed a moment ago (accounts.reauth), as the confirmation page does."""
    assert client.post("/accounts/confirm/", {"password": PASSWORD}).status_code == 302
    return client


def test_a_full_export_shows_the_numbers_and_logs_each_resident(world, login):
    rows = sheet(confirmed(login(world.user("staff_a"))).get(EXPORT, {"full": "1", "reason": "高龄补贴发放"}))
    by_name = {r[0]: r for r in rows[1:]}
    for key in ("a1", "a2"):
        r = world.residents[key]
        assert by_name[r.name][3] == r.id_number and by_name[r.name][4] == r.phone
    logs = RevealLog.objects.all()
    assert {log.resident for log in logs} == {world.residents["a1"], world.residents["a2"]}
    assert {(log.actor, log.field, log.reason, log.community_id) for log in logs} == {
        (world.user("staff_a"), RevealField.EXPORT, "高龄补贴发放", world.community_a.pk)
    }


def test_a_full_export_needs_the_reveal_capability(world, login):
    officer = login(world.user("officer"))  # may export, may not see full numbers
    assert officer.get(EXPORT, {"full": "1", "reason": "核查"}).status_code == 403
    assert not RevealLog.objects.exists()
    rows = sheet(officer.get(EXPORT))
    assert world.residents["a1"].phone not in str(rows)


@pytest.mark.parametrize("who", ["grid_a1", "committee_a", "partner_a", "resident_a", "staff_b"])
def test_roles_without_the_export_capability_get_nothing_of_community_a(world, login, who):
    client = login(world.user(who))
    if who == "staff_b":
        confirmed(client)
    response = client.get(EXPORT, {"full": "1", "reason": "想要"})
    if who == "staff_b":
        # Community B's staff export their own community: nobody of community A is in it.
        names = [r[0] for r in sheet(response)[1:]]
        assert names == ["王秀英"]
    else:
        assert response.status_code == 404
    assert not RevealLog.objects.filter(community=world.community_a).exists()
