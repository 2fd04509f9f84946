"""What linli/tests/test_access_control.py needs to check the residents endpoints.

Every app whose URLs or API operations take ids has a module like this one
(``<app>/tests/access_registry.py``). The access-control test finds it by itself and uses:

``REGISTRY``
    URL parameter name → ``function(world, side)`` returning the id of such an object in
    community ``side``: "b" (溡源社区, where the users under test hold no role) or "a"
    (康平社区, their own). Make objects through the app's services, once per test, with
    ``world.once(key, make)``.
``markers(world)`` (optional)
    Strings that only someone who may see community B should ever receive (a name, a number
    that the registry's B objects carry) → what they are. The test fails if any page or API
    answer shows one to a user of community A.
``PUBLIC_PAGES`` / ``PUBLIC_OPERATIONS`` (optional)
    URL names / "METHOD /api/v1/path" that anyone may open without logging in, on purpose.
``PUBLIC_MARKERS`` (optional)
    Descriptions (values of ``markers``) that are public facts and may appear on public pages.
"""

from __future__ import annotations

import io

import openpyxl

from linli.testkit import World, make_id_number
from orgs.scope import Scope
from residents import imports
from residents.models import DeletionRequest, ImportBatch, Resident, RevealField, RevealLog
from residents.services import resident_reveal
from residents.services_privacy import deletion_request_create


def resident(world: World, side: str) -> Resident:
    return world.residents[{"a": "a1", "b": "b1"}[side]]


def import_batch(world: World, side: str) -> ImportBatch:
    def make() -> ImportBatch:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["姓名", "身份证号", "手机号", "网格"])
        ws.append([f"孙{world.community(side).name[:2]}", make_id_number(seq={"a": 302, "b": 301}[side]), "", "第一网格"])
        buf = io.BytesIO()
        wb.save(buf)
        return imports.import_preview(
            actor=Scope(world.staff(side)),
            community=world.community(side),
            data=buf.getvalue(),
            filename=f"{side.upper()}-SECRET-BATCH.xlsx",
        )

    return world.once(f"residents.batch.{side}", make)


def reveal_log(world: World, side: str) -> RevealLog:
    def make() -> RevealLog:
        resident_reveal(actor=Scope(world.staff(side)), resident=resident(world, side), field=RevealField.PHONE, reason="registry")
        return RevealLog.objects.filter(resident=resident(world, side)).latest("created_at")

    return world.once(f"residents.reveal.{side}", make)


def deletion_request(world: World, side: str) -> DeletionRequest:
    def make() -> DeletionRequest:
        user = world.user({"a": "resident_a", "b": "resident_b"}[side])
        return deletion_request_create(user=user, reason=f"{side.upper()}-SECRET-DELETION-REASON")

    return world.once(f"residents.deletion.{side}", make)


REGISTRY = {
    "resident_id": lambda w, s: resident(w, s).pk,
    "household_id": lambda w, s: resident(w, s).household_id,
    "batch_id": lambda w, s: import_batch(w, s).pk,
    "reveal_id": lambda w, s: reveal_log(w, s).pk,
    "log_id": lambda w, s: reveal_log(w, s).pk,
    "deletion_request_id": lambda w, s: deletion_request(w, s).pk,
}


def markers(world: World) -> dict[str, str]:
    b1 = world.residents["b1"]
    batch = import_batch(world, "b")
    return {
        b1.name: "resident b1's name",
        b1.phone: "b1's mobile number",
        b1.phone_masked: "b1's masked mobile number",
        b1.id_number: "b1's ID number",
        b1.id_number_masked: "b1's masked ID number",
        batch.filename: "community B's import file name",
        batch.rows[0]["values"]["name"]: "a name in community B's import file",
        deletion_request(world, "b").reason: "a deletion request's reason in community B",
    }
