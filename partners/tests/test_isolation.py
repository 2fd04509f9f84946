"""Partner isolation and community isolation, on every partners page and API operation.

* A partner's staff see their own partner only: partner_a (staff of X) gets a 404 for partner Y
  of the same community, and for partner Z of the other community.
* Community staff see their own community only: staff_b gets a 404 for everything of 康平社区.

The URLs are walked from partners.urls and the OpenAPI schema, so a page or operation added
later is covered without a new test.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from partners import urls as partner_urls
from partners.models import Agreement, Partner, PartnerMember, StatusChange
from partners.tests.conftest import apply

PDF = b"%PDF-1.4\n%%EOF"

# Form fields that would make a POST do something if the access check were missing.
FORM = {
    "action": "exit",
    "reason": "越权测试",
    "decision": "approve",
    "login": "resident_a",
    "role": "staff",
    "community_signatory": "甲",
    "partner_signatory": "乙",
    "ends_on": "2030-01-01",
    "occurred_on": "2026-01-01",
    "quantity": "1",
    "title": "越权",
    "metric": "越权",
    "target": "1",
    "period": "term",
    "summary": "越权",
}


def targets(pw, which: str) -> dict:
    """Ids for every URL parameter: ``x``/``y`` (康平社区's partners) or ``z`` (溡源社区's)."""
    partner = {"x": pw.x, "y": pw.y, "z": pw.z}[which]
    agreement = {"x": pw.agreement_x, "y": pw.agreement_y, "z": pw.agreement_z}[which]
    commitment = {"x": pw.commitment_x, "y": pw.commitment_y, "z": pw.commitment_z}[which]
    call = pw.call_b if which == "z" else pw.call_a
    application = pw.application_b if which == "z" else pw.application_a
    key = f"_doc_{which}"
    if key not in pw.world.extra:
        pw.world.extra[key] = apply(
            call,
            name=f"带附件的申请{which}",
            seed=300 + ord(which),
            phone=f"13700{300 + ord(which):06d}",
            documents=[SimpleUploadedFile("licence.pdf", PDF)],
        ).documents.get()
    return {
        "partner_id": partner.pk,
        "agreement_id": agreement.pk,
        "commitment_id": commitment.pk,
        "call_id": call.pk,
        "application_id": application.pk,
        "document_id": pw.world.extra[key].pk,
        "member_id": PartnerMember.objects.filter(partner=partner).first().pk,
        "community_id": partner.community_id,
        **extra_targets(pw, which),
    }


def extra_targets(pw, which: str) -> dict:
    """Parameters of the rooms integration (slot ids), when rooms exist."""
    from partners.tests.test_slots import slot_target

    return slot_target(pw, which)


def console_urls(values: dict, *, with_ids_only: bool = False) -> list[tuple[str, str]]:
    found = []
    for pattern in partner_urls.urlpatterns:
        if with_ids_only and not pattern.pattern.converters:
            continue
        kwargs = {k: values[k] for k in pattern.pattern.converters}
        found.append((pattern.name, reverse(f"partners:{pattern.name}", kwargs=kwargs)))
    return found


def client(user) -> Client:
    c = Client()
    c.force_login(user, backend="accounts.backends.PhoneOrUsernameBackend")
    return c


def snapshot():
    return (
        sorted(Partner.objects.values_list("pk", "status", "services")),
        sorted(Agreement.objects.values_list("pk", "status", "service_terms")),
        StatusChange.objects.count(),
        PartnerMember.objects.count(),
    )


def sweep_pages(user, values: dict) -> list[str]:
    """Pages that take ids, requested with ``values``; pages without ids list the user's own
    records and are checked by content below."""
    problems = []
    for name, url in console_urls(values, with_ids_only=True):
        for method in ("get", "post"):
            response = getattr(client(user), method)(url, FORM if method == "post" else None)
            if response.status_code not in (404, 405):
                problems.append(f"{method.upper()} {url} [{name}] → {response.status_code}")
    return problems


@pytest.mark.parametrize("other", ["y", "z"])
def test_partner_staff_get_404_for_any_other_partner(pw, other):
    values = targets(pw, other)
    before = snapshot()
    # Staff pages are closed to partner users altogether; the portal's pages with another
    # partner's ids must be too.
    problems = sweep_pages(pw.world.user("partner_a"), values)
    assert not problems, "partner_a (staff of X) reached another partner:\n" + "\n".join(problems)
    assert snapshot() == before


def test_community_staff_get_404_for_the_other_community(pw):
    cases = [
        (username, targets(pw, which)) for username, which in (("staff_b", "x"), ("staff_b", "y"), ("staff_a", "z"))
    ]
    before = snapshot()
    for username, values in cases:
        problems = sweep_pages(pw.world.user(username), values)
        assert not problems, f"{username} reached another community:\n" + "\n".join(problems)
    assert snapshot() == before


def test_pages_without_ids_show_only_the_users_own_records(pw):
    own = {
        "partner_a": (["康小鲜社区私房"], ["共享自习室", "溡源口腔"]),
        "staff_a": (["康小鲜社区私房", "共享自习室"], ["溡源口腔", "丙丁培训学校"]),
        "staff_b": (["溡源口腔"], ["康小鲜社区私房", "共享自习室", "甲乙培训中心"]),
    }
    for username, (shown, hidden) in own.items():
        c = client(pw.world.user(username))
        pages = (
            ["/console/partners/portal/"]
            if username.startswith("partner")
            else [
                "/console/partners/",
                "/console/partners/agreements/",
                "/console/partners/applications/?status=all",
                "/console/partners/calls/",
            ]
        )
        body = "".join(c.get(url).content.decode() for url in pages)
        for name in shown:
            assert name in body, (username, name)
        for name in hidden:
            assert name not in body, (username, name)


def test_partner_staff_see_no_staff_page(pw):
    c = client(pw.world.user("partner_a"))
    own = targets(pw, "x")
    for name, url in console_urls(own):
        if name.startswith("portal"):
            assert c.get(url).status_code == 200, url
        else:
            assert c.get(url).status_code in (404, 405), url


def test_the_positive_control_opens_every_page(pw):
    """With their own ids the same sweep reaches real pages: staff_a every staff page, partner_a
    every portal page — so the 404s above are about access, not broken ids."""
    staff, partner = client(pw.world.user("staff_a")), client(pw.world.user("partner_a"))
    values = targets(pw, "x")
    for name, url in console_urls(values):
        who = partner if name.startswith("portal") else staff
        status = who.get(url).status_code
        assert status in (200, 405), f"{url} [{name}] → {status}"


# --- The API --------------------------------------------------------------------------------


def partner_operations():
    schema = Client().get("/api/v1/openapi.json").json()
    for path, methods in schema["paths"].items():
        if not path.startswith("/api/v1/partners"):
            continue
        for method, spec in methods.items():
            yield method, path, spec


BODY = {
    "reason": "越权测试",
    "login": "resident_a",
    "role": "staff",
    "community_signatory": "甲",
    "partner_signatory": "乙",
    "ends_on": "2030-01-01",
    "occurred_on": "2026-01-01",
    "quantity": 1,
    "title": "越权",
    "metric": "m",
    "target": 1,
    "summary": "越权",
    "score": 5,
    "staff_score": 5,
    "recommendation": "exit",
    "period_start": "2026-01-01",
    "period_end": "2026-01-02",
    "starts_on": "2026-01-01",
    "weekdays": [0],
    "start_time": "09:00",
    "end_time": "10:00",
    "kind": "training",
    "party_type": "organisation",
    "name": "越权",
    "services": "越权",
    "contact_name": "x",
    "contact_phone": "13700000999",
    "consent": True,
}


def call_api(c: Client, method: str, path: str, spec: dict, values: dict):
    query = {}
    for param in spec.get("parameters", []):
        if param["in"] == "path":
            path = path.replace("{" + param["name"] + "}", str(values[param["name"]]))
        elif param["in"] == "query" and param["name"] in values:
            query[param["name"]] = values[param["name"]]
    body = None
    if "requestBody" in spec:
        body = {**BODY, **{k: v for k, v in values.items() if k in ("community_id", "partner_id", "room_id")}}
    url = path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")
    if body is None:
        return getattr(c, method)(url)
    return getattr(c, method)(url, json.dumps(body), content_type="application/json")


def sweep_api(user, values: dict) -> list[str]:
    problems = []
    for method, path, spec in partner_operations():
        if "/public/" in path:
            continue  # answers anyone, by design (tested in test_public)
        if (
            "{" not in path
            and not any(p["in"] == "query" and p["name"] in values for p in spec.get("parameters", []))
            and "requestBody" not in spec
        ):
            continue  # no id: answers with the caller's own records (see test_api)
        response = call_api(client(user), method, path, spec, values)
        if response.status_code < 400 or response.status_code >= 500:
            problems.append(f"{method.upper()} {path} → {response.status_code} {response.content[:200]!r}")
        elif response.status_code not in (403, 404, 405, 422):
            problems.append(f"{method.upper()} {path} → unexpected {response.status_code}")
    return problems


@pytest.mark.parametrize(
    "username, which", [("partner_a", "y"), ("partner_a", "z"), ("staff_b", "x"), ("staff_a", "z")]
)
def test_no_api_operation_crosses_a_partner_or_community(pw, username, which):
    values = targets(pw, which)
    before = snapshot()
    problems = sweep_api(pw.world.user(username), values)
    assert not problems, f"{username} reached {which} through the API:\n" + "\n".join(problems)
    assert snapshot() == before


def test_the_partner_sees_its_own_agreement_and_commitment_through_the_api(pw):
    c = client(pw.world.user("partner_a"))
    assert c.get(f"/api/v1/partners/agreements/{pw.agreement_x.pk}").json()["partner_id"] == pw.x.pk
    assert c.get(f"/api/v1/partners/agreements/{pw.agreement_x.pk}/pdf").content.startswith(b"%PDF")
    detail = c.get(f"/api/v1/partners/commitments/{pw.commitment_x.pk}").json()
    assert detail["progress"]["target"] == 8
    assert [p["partner"]["id"] for p in c.get("/api/v1/partners/portal").json()] == [pw.x.pk]
    # …and nothing a partner manager does.
    assert c.get(f"/api/v1/partners/{pw.x.pk}").status_code == 404
    assert c.get("/api/v1/partners/", {"community_id": pw.world.community_a.pk}).status_code == 404
