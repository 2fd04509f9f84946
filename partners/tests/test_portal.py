"""The partner portal: a partner's staff see and record their own partner's work, on a phone."""

import datetime as dt

from django.test import Client

from partners.models import CommitmentEntry
from partners.tests.conftest import TODAY


def login(user) -> Client:
    c = Client()
    c.force_login(user, backend="accounts.backends.PhoneOrUsernameBackend")
    return c


def test_the_portal_shows_the_own_partner_only(pw):
    body = login(pw.world.user("partner_a")).get("/console/partners/portal/").content.decode()
    assert "康小鲜社区私房" in body and "独居老人免费送餐" in body and pw.agreement_x.number in body
    assert "共享自习室" not in body and "溡源口腔" not in body and pw.agreement_y.number not in body


def test_partner_staff_record_progress_on_their_commitment(pw):
    c = login(pw.world.user("partner_a"))
    url = f"/console/partners/portal/commitments/{pw.commitment_x.pk}/"
    assert c.get(url).status_code == 200
    response = c.post(url, {"occurred_on": TODAY.isoformat(), "quantity": "3", "note": "送餐到3户"})
    assert response.status_code == 302
    entry = CommitmentEntry.objects.get(commitment=pw.commitment_x)
    assert (entry.quantity, entry.recorded_as, entry.recorded_by) == (3, "partner", pw.world.user("partner_a"))
    future = c.post(url, {"occurred_on": (TODAY + dt.timedelta(days=2)).isoformat(), "quantity": "1"})
    assert future.status_code == 200 and CommitmentEntry.objects.count() == 1
    assert (
        c.post(
            f"/console/partners/portal/commitments/{pw.commitment_y.pk}/",
            {"occurred_on": TODAY.isoformat(), "quantity": "1"},
        ).status_code
        == 404
    )
    assert CommitmentEntry.objects.count() == 1


def test_the_portal_agreement_and_its_pdf(pw):
    c = login(pw.world.user("partner_a"))
    page = c.get(f"/console/partners/portal/agreements/{pw.agreement_x.pk}/").content.decode()
    assert pw.agreement_x.number in page and "/terminate/" not in page
    assert c.get(f"/console/partners/portal/agreements/{pw.agreement_x.pk}/agreement.pdf").content.startswith(b"%PDF")


def test_people_without_a_partner_get_a_404_or_an_empty_portal(pw):
    for username in ("resident_a", "volunteer_a", "nobody", "staff_a"):
        assert login(pw.world.user(username)).get("/console/partners/portal/").status_code == 404, username
    from orgs.roles import Role
    from orgs.services import role_grant

    # Partner staff role but no membership yet: the portal says so instead of showing anything.
    user = pw.world.user("nobody")
    role_grant(user=user, node=pw.world.community_a, role=Role.PARTNER_STAFF)
    body = login(user).get("/console/partners/portal/").content.decode()
    assert "康小鲜社区私房" not in body and "共享自习室" not in body
