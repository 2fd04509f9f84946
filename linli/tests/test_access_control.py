"""No page, export or API call gives a user another community's records.

This test does not list endpoints by hand. It walks the URL configuration and the OpenAPI
schema, fills every id in a URL with an object of the *other* community (溡源社区, where the test
users hold no role) and requests it as a community-A staff member, a grid worker, a resident and
an anonymous visitor. An answer is acceptable when it refuses (403/404/405, a redirect to the log-in
page, 401/422 for the API) or, for pages that take no id, when the body shows nothing of
community B.

An endpoint added later is covered without writing a test for it: if its URL takes a parameter
the registry below does not know, the test fails and says what to add.
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode, urlparse

import openpyxl
import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from accounts.services import api_token_create
from linli.testkit import World, make_id_number
from orgs.models import OrgNode, RoleGrant
from orgs.roles import Role
from orgs.scope import Scope
from orgs.selectors import SESSION_KEY
from residents import imports
from residents.models import ImportBatch, Resident, RevealField, RevealLog
from residents.services import resident_reveal

pytestmark = pytest.mark.django_db

# Parts of the URL space this test leaves to others: Django's admin (superusers only, tested by
# Django), the language switch, static files, and the JSON API (swept operation by operation
# from its OpenAPI schema below, which is more precise than its URL patterns).
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/", "api/")

# Pages anyone may open without logging in. Community names are public facts and may appear on
# these (the home page lists every community); residents' data may not appear anywhere.
# A page that becomes public must be added here on purpose.
PUBLIC_PAGES = {"public:home", "healthz", "accounts:login"}
# API operations that answer without authentication ("METHOD /path"): none so far.
PUBLIC_OPERATIONS: set[str] = set()

SIDE_NAMES = {"a": "康平社区, where the test users work", "b": "溡源社区, where they hold no role"}


# --- The registry: URL parameter name → an object of a given community ----------------------
#
# Each entry is a function ``(world, side) -> id`` returning the id of an object that belongs to
# community ``side`` ("b" = 溡源社区, the one the users under test have no role in; "a" =
# 康平社区, used for the vertical checks and the positive control). Create what you need on the
# fly and cache it in ``world.extra`` so one sweep makes it once.


def _community(w: World, side: str) -> OrgNode:
    return w.community_b if side == "b" else w.community_a


def _staff(w: World, side: str):
    return w.user("staff_b" if side == "b" else "staff_a")


def _resident(w: World, side: str) -> Resident:
    return w.residents["b1" if side == "b" else "a1"]


def _grid(w: World, side: str) -> OrgNode:
    return w.grid_b1 if side == "b" else w.grid_a1


def _building(w: World, side: str) -> OrgNode:
    return w.building_b1 if side == "b" else w.building_a1


def _cached(w: World, key: str, make: Callable[[], Any]) -> Any:
    if key not in w.extra:
        w.extra[key] = make()
    return w.extra[key]


def _token(w: World, side: str):
    return _cached(w, f"token_{side}", lambda: api_token_create(user=_staff(w, side), name=f"{side}-side-client")[0])


def _import_batch(w: World, side: str) -> ImportBatch:
    def make() -> ImportBatch:
        wb = openpyxl.Workbook()
        ws = wb.active
        ws.append(["姓名", "身份证号", "手机号", "网格"])
        ws.append([f"孙{_community(w, side).name[:2]}", make_id_number(seq=301 if side == "b" else 302), "", "第一网格"])
        buf = io.BytesIO()
        wb.save(buf)
        return imports.import_preview(
            actor=Scope(_staff(w, side)),
            community=_community(w, side),
            data=buf.getvalue(),
            filename=f"{side.upper()}-SECRET-BATCH.xlsx",
        )

    return _cached(w, f"batch_{side}", make)


def _grant(w: World, side: str) -> RoleGrant:
    return RoleGrant.objects.get(user=_staff(w, side), role=Role.COMMUNITY_STAFF, revoked_at__isnull=True)


def _reveal_log(w: World, side: str) -> RevealLog:
    def make() -> RevealLog:
        resident_reveal(
            actor=Scope(_staff(w, side)), resident=_resident(w, side), field=RevealField.PHONE, reason="registry"
        )
        return RevealLog.objects.filter(resident=_resident(w, side)).latest("created_at")

    return _cached(w, f"reveal_{side}", make)


REGISTRY: dict[str, Callable[[World, str], Any]] = {
    "community_id": lambda w, s: _community(w, s).pk,
    "resident_id": lambda w, s: _resident(w, s).pk,
    "grid_id": lambda w, s: _grid(w, s).pk,
    "node_id": lambda w, s: _grid(w, s).pk,
    "building_id": lambda w, s: _building(w, s).pk,
    "household_id": lambda w, s: _resident(w, s).household_id,
    "batch_id": lambda w, s: _import_batch(w, s).pk,
    "token_id": lambda w, s: _token(w, s).pk,
    "user_id": lambda w, s: _staff(w, s).pk,
    "grant_id": lambda w, s: _grant(w, s).pk,
    "reveal_id": lambda w, s: _reveal_log(w, s).pk,
    "log_id": lambda w, s: _reveal_log(w, s).pk,
}


def _unknown_parameter(kwarg: str, where: str) -> str:
    return (
        f"{where} takes the parameter {kwarg!r}, which the access-control registry does not know, so this "
        f"endpoint cannot be checked for cross-community access.\n"
        f"Add REGISTRY[{kwarg!r}] in linli/tests/test_access_control.py: a function (world, side) that "
        f"returns the id of a {kwarg.removesuffix('_id')!r} belonging to community `side` "
        f"('b' = {SIDE_NAMES['b']}; 'a' = {SIDE_NAMES['a']}). Create the object through your app's "
        f"services and cache it in world.extra (see _import_batch for an example)."
    )


def registry_value(kwarg: str, world: World, side: str, where: str) -> Any:
    if kwarg not in REGISTRY:
        pytest.fail(_unknown_parameter(kwarg, where), pytrace=False)
    return REGISTRY[kwarg](world, side)


def prime(world: World) -> None:
    """Create every registry object up front, so markers (token prefixes, file names) exist."""
    for side in ("a", "b"):
        for make in REGISTRY.values():
            make(world, side)


def markers_of_b(world: World) -> dict[str, str]:
    """Strings that only a user who may see community B should ever receive → what they are."""
    b1 = world.residents["b1"]
    token = _token(world, "b")
    batch = _import_batch(world, "b")
    return {
        b1.name: "resident b1's name",
        b1.phone: "b1's mobile number",
        b1.phone_masked: "b1's masked mobile number",
        b1.id_number: "b1's ID number",
        b1.id_number_masked: "b1's masked ID number",
        world.community_b.name: "community B's name",
        "staff_b": "community B staff member's name",
        "resident_b": "community B resident's account name",
        token.prefix: "a token prefix of a community B user",
        batch.filename: "community B's import file name",
        batch.rows[0]["values"]["name"]: "a name in community B's import file",
    }


PUBLIC_MARKERS = {"community B's name"}


# --- Walking the URL configuration ------------------------------------------------------------

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Endpoint:
    route: str  # e.g. "console/residents/<int:resident_id>/"
    name: str | None  # e.g. "residents:detail"
    kwargs: tuple[str, ...]

    @property
    def label(self) -> str:
        return f"URL /{self.route} ({self.name or 'unnamed'})"

    @property
    def is_public(self) -> bool:
        return self.name in PUBLIC_PAGES

    def url(self, values: dict[str, Any]) -> str:
        if self.name:
            return reverse(self.name, kwargs=values)
        if any(ch in self.route for ch in "^$()[]?*+\\"):
            pytest.fail(f"{self.label} is an unnamed regular-expression route: give it a name.", pytrace=False)
        return "/" + _ROUTE_PARAM.sub(lambda m: str(values[m.group("name")]), self.route)


def _kwarg_names(pattern) -> list[str]:
    if isinstance(pattern.pattern, RoutePattern):
        return list(pattern.pattern.converters)
    return list(pattern.pattern.regex.groupindex)


def _walk(patterns, prefix: str = "", namespace: str = "", kwargs: tuple[str, ...] = ()) -> Iterator[Endpoint]:
    for p in patterns:
        route = prefix + str(p.pattern).lstrip("^").rstrip("$")
        names = kwargs + tuple(_kwarg_names(p))
        if isinstance(p, URLResolver):
            ns = namespace
            if p.namespace:
                ns = f"{namespace}:{p.namespace}" if namespace else p.namespace
            yield from _walk(p.url_patterns, route, ns, names)
        elif isinstance(p, URLPattern):
            name = (f"{namespace}:{p.name}" if namespace else p.name) if p.name else None
            yield Endpoint(route=route, name=name, kwargs=names)


def endpoints() -> list[Endpoint]:
    found = [e for e in _walk(get_resolver().url_patterns) if not e.route.startswith(SKIPPED_PREFIXES)]
    return sorted(set(found), key=lambda e: e.route)


# --- Requests and judgement ---------------------------------------------------------------------


def client_for(user, *, community: OrgNode | None = None) -> Client:
    """A client logged in as ``user``; ``community`` picks the console's current community."""
    client = Client()
    if user is not None:
        client.force_login(user, backend="accounts.backends.PhoneOrUsernameBackend")
    if community is not None:
        session = client.session
        session[SESSION_KEY] = community.pk
        session.save()
    return client


def body_text(response) -> str:
    """The body as text a person would read: JSON un-escaped, Excel files opened."""
    content = b"".join(response.streaming_content) if response.streaming else response.content
    content_type = response.get("Content-Type", "")
    if content.startswith(b"PK") or "spreadsheetml" in content_type:
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        cells = [
            str(v) for ws in workbook.worksheets for row in ws.iter_rows(values_only=True) for v in row if v is not None
        ]
        return "\n".join(cells)
    text = content.decode("utf-8", errors="replace")
    if "json" in content_type:
        try:
            return json.dumps(json.loads(text), ensure_ascii=False)
        except ValueError:
            return text
    return text


def _leaks(text: str, markers: dict[str, str], allowed: set[str]) -> list[str]:
    return [f"{what} ({marker!r})" for marker, what in markers.items() if what not in allowed and marker in text]


LOGIN_PATH = "/accounts/login/"


def judge_page(response, *, targets_other: bool, public: bool, markers: dict[str, str]) -> str | None:
    """None if the answer is acceptable, else what is wrong with it."""
    status = response.status_code
    if status in (301, 302, 303, 307, 308):
        location = urlparse(response["Location"]).path
        if location == LOGIN_PATH or not targets_other:
            # A redirect from a page without ids lands on another page, which is swept itself.
            return None
        return f"redirects to {response['Location']} instead of refusing"
    if status >= 500:
        return f"server error {status}"
    if 200 <= status < 300 and targets_other:
        return f"answers {status} for another community's object"
    leaks = _leaks(body_text(response), markers, PUBLIC_MARKERS if public else set())
    if leaks:
        return f"answers {status} showing " + ", ".join(leaks)
    return None


def sweep_pages(
    world: World, user, *, side: str = "b", markers: dict[str, str], community: OrgNode | None = None
) -> tuple[list[str], dict]:
    """Request every page as ``user`` with ids of community ``side``; return the problems found
    and the status of each GET (for the positive control)."""
    problems: list[str] = []
    statuses: dict[str, int] = {}
    query = urlencode({**{k: make(world, side) for k, make in REGISTRY.items()}, "grid": _grid(world, side).pk})
    form = {k: make(world, side) for k, make in REGISTRY.items()}
    for endpoint in endpoints():
        values = {k: registry_value(k, world, side, endpoint.label) for k in endpoint.kwargs}
        url = endpoint.url(values)
        targets_other = bool(endpoint.kwargs)
        attempts = [
            ("GET", url, lambda c, u=url: c.get(u)),
            ("GET", f"{url}?{query}", lambda c, u=url: c.get(f"{u}?{query}")),
            ("GET htmx", url, lambda c, u=url: c.get(u, headers={"HX-Request": "true", "HX-Target": "resident-rows"})),
            ("POST", url, lambda c, u=url: c.post(u, form)),
        ]
        for method, shown, send in attempts:
            # A fresh client each time: a POST to the logout page must not log out the next request.
            response = send(client_for(user, community=community))
            if method == "GET" and shown == url:
                statuses[endpoint.name or endpoint.route] = response.status_code
            problem = judge_page(response, targets_other=targets_other, public=endpoint.is_public, markers=markers)
            if problem:
                problems.append(f"{method} {shown} [{endpoint.name}] as {user or 'anonymous'}: {problem}")
    return problems, statuses


# --- The page tests ------------------------------------------------------------------------------


def test_the_url_walk_finds_the_known_pages():
    names = {e.name for e in endpoints()}
    expected = {
        "public:home",
        "accounts:login",
        "accounts:tokens",
        "accounts:token_revoke",
        "console:home",
        "console:switch",
        "orgs:structure",
        "orgs:roles",
        "residents:list",
        "residents:detail",
        "residents:reveal",
        "residents:import_preview",
        "residents:export",
        "me:home",
        "me:download",
    }
    assert expected <= names, f"not found by the walk: {expected - names}"
    assert not any(e.route.startswith(SKIPPED_PREFIXES) for e in endpoints())
    detail = next(e for e in endpoints() if e.name == "residents:detail")
    assert detail.kwargs == ("resident_id",)


def test_every_url_parameter_is_in_the_registry(world):
    for endpoint in endpoints():
        for kwarg in endpoint.kwargs:
            if kwarg not in REGISTRY:
                pytest.fail(_unknown_parameter(kwarg, endpoint.label), pytrace=False)


def test_an_unknown_parameter_fails_with_a_message_saying_what_to_add(world):
    endpoint = Endpoint(route="console/books/<int:book_id>/", name=None, kwargs=("book_id",))
    with pytest.raises(pytest.fail.Exception) as excinfo:
        registry_value("book_id", world, "b", endpoint.label)
    message = str(excinfo.value)
    assert "REGISTRY['book_id']" in message and "linli/tests/test_access_control.py" in message
    assert "console/books/<int:book_id>/" in message


def test_public_pages_are_exactly_the_declared_ones(world):
    anonymous = client_for(None)
    public = {e.name for e in endpoints() if not e.kwargs and anonymous.get(e.url({})).status_code == 200}
    assert public == PUBLIC_PAGES, (
        "The pages anyone can open without logging in changed. If that is intended, update PUBLIC_PAGES in "
        f"linli/tests/test_access_control.py. Now public: {sorted(public)}"
    )
    # And the public home page does list every community: that is the public fact we allow.
    home = anonymous.get("/").content.decode()
    assert world.community_a.name in home and world.community_b.name in home


@pytest.mark.parametrize("username", ["staff_a", "grid_a1", "resident_a", None])
def test_no_page_gives_away_another_community(world, username):
    prime(world)
    user = world.user(username) if username else None
    problems, _statuses = sweep_pages(world, user, markers=markers_of_b(world))
    assert not problems, "Cross-community access:\n" + "\n".join(problems)


def test_anonymous_visitors_are_sent_to_log_in(world):
    prime(world)
    anonymous = client_for(None)
    for endpoint in endpoints():
        if endpoint.is_public:
            continue
        url = endpoint.url({k: registry_value(k, world, "b", endpoint.label) for k in endpoint.kwargs})
        response = anonymous.get(url)
        assert response.status_code in (302, 405), f"{url}: {response.status_code}"
        if response.status_code == 302:
            assert urlparse(response["Location"]).path == LOGIN_PATH, url


def test_the_sweep_catches_a_leak(world):
    """Positive control: a platform administrator may see community B, so the same sweep run as
    one must report leaks, and every id the registry makes must open a real page (not a 404)."""
    prime(world)
    problems, statuses = sweep_pages(
        world, world.user("admin"), markers=markers_of_b(world), community=world.community_b
    )
    assert any("[residents:detail]" in p and "answers 200" in p for p in problems)
    assert any("[residents:list]" in p and "王秀英" in p for p in problems)
    assert any("[residents:import_preview]" in p for p in problems)
    for endpoint in endpoints():
        if endpoint.kwargs:
            status = statuses[endpoint.name or endpoint.route]
            assert status != 404, (
                f"{endpoint.label}: the registry's objects give a 404 even to a platform administrator, so the "
                "cross-community check proves nothing for it. Make the REGISTRY entries return real objects."
            )


# --- Vertical escalation ----------------------------------------------------------------------


def console_endpoints() -> list[Endpoint]:
    return [e for e in endpoints() if e.route.startswith("console/")]


@pytest.mark.parametrize("username", ["resident_a", "volunteer_a", "nobody"])
def test_people_without_a_staff_role_get_no_console_page(world, username):
    prime(world)
    assert len(console_endpoints()) >= 10
    for endpoint in console_endpoints():
        # Ids of their *own* community: it is the role, not the community, that is missing.
        url = endpoint.url({k: registry_value(k, world, "a", endpoint.label) for k in endpoint.kwargs})
        for method in ("get", "post"):
            response = getattr(client_for(world.user(username)), method)(url)
            assert response.status_code in (403, 404, 405), f"{method.upper()} {url} as {username}: {response.status_code}"


def _markers_of_a_residents(world: World) -> dict[str, str]:
    found = {}
    for key in ("a1", "a2"):
        r = world.residents[key]
        found.update(
            {
                r.name: f"resident {key}'s name",
                r.phone_masked: f"{key}'s masked mobile number",
                r.id_number_masked: f"{key}'s masked ID number",
            }
        )
    return found


def test_partner_staff_see_no_residents(world):
    prime(world)
    partner = world.user("partner_a")
    assert client_for(partner).get("/console/").status_code == 200
    assert client_for(partner).get("/console/residents/").status_code == 404
    assert client_for(partner).get("/console/residents/export.xlsx").status_code == 404
    markers = _markers_of_a_residents(world)
    for endpoint in console_endpoints():
        url = endpoint.url({k: registry_value(k, world, "a", endpoint.label) for k in endpoint.kwargs})
        response = client_for(partner).get(url)
        problem = judge_page(response, targets_other=bool(endpoint.kwargs), public=False, markers=markers)
        assert problem is None, f"GET {url} as partner staff: {problem}"
    api = client_for(partner).get("/api/v1/residents/", {"community_id": world.community_a.pk})
    assert api.status_code == 404


def test_a_grid_worker_sees_only_their_own_grid(world):
    grid_worker = client_for(world.user("grid_a1"))
    a1, a2 = world.residents["a1"], world.residents["a2"]
    page = grid_worker.get("/console/residents/").content.decode()
    assert a1.name in page and a2.name not in page
    assert grid_worker.get(f"/console/residents/?grid={world.grid_a2.pk}").content.decode().count(a1.name) == 0
    for suffix in ("", "edit/", "history/"):
        assert grid_worker.get(f"/console/residents/{a1.pk}/{suffix}").status_code == 200
        assert grid_worker.get(f"/console/residents/{a2.pk}/{suffix}").status_code == 404
    reveal = grid_worker.post(f"/console/residents/{a2.pk}/reveal/", {"field": "phone", "reason": "家访"})
    assert reveal.status_code == 404 and a2.phone not in reveal.content.decode()
    assert grid_worker.get("/console/residents/export.xlsx").status_code == 404

    listed = grid_worker.get("/api/v1/residents/", {"community_id": world.community_a.pk}).json()
    assert [r["id"] for r in listed["items"]] == [a1.pk]
    assert grid_worker.get(f"/api/v1/residents/{a2.pk}").status_code == 404
    assert grid_worker.patch(f"/api/v1/residents/{a2.pk}", {"note": "x"}, content_type="application/json").status_code == 404
    grids = grid_worker.get(f"/api/v1/orgs/communities/{world.community_a.pk}/grids").json()
    assert [g["name"] for g in grids] == ["第一网格"]


# --- The JSON API, from its OpenAPI schema ----------------------------------------------------


@dataclass(frozen=True)
class Operation:
    method: str
    path: str
    spec: dict

    @property
    def label(self) -> str:
        return f"API {self.method.upper()} {self.path}"


def api_schema() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def operations(schema: dict) -> list[Operation]:
    found = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append(Operation(method, path, spec))
    return found


def _deref(schema: dict, node: dict) -> dict:
    seen = 0
    while isinstance(node, dict) and "$ref" in node and seen < 20:
        target: Any = schema
        for part in node["$ref"].lstrip("#/").split("/"):
            target = target[part]
        node, seen = target, seen + 1
    return node


# Plausible values for body fields the registry does not cover, so a request gets past
# validation and reaches the access check (a 422 would prove nothing about scope).
PLAUSIBLE = {
    "id_number": make_id_number(seq=777),
    "phone": "13700000777",
    "grid": "第一网格",
    "building": "",
    "field": "phone",
    "reason": "access-control test",
    "name": "测试居民",
}


def _example(schema: dict, name: str, node: dict) -> Any:
    node = _deref(schema, node)
    for key in ("anyOf", "oneOf"):
        if key in node:
            options = [o for o in node[key] if _deref(schema, o).get("type") != "null"]
            return _example(schema, name, options[0]) if options else None
    if "enum" in node:
        return node["enum"][0]
    kind = node.get("type")
    if kind == "object" or "properties" in node:
        return {prop: _example(schema, prop, sub) for prop, sub in node.get("properties", {}).items()}
    if kind == "array":
        return []
    if kind == "integer":
        return 1
    if kind == "number":
        return 1.0
    if kind == "boolean":
        return False
    if node.get("format") == "date":
        return "2026-01-01"
    if node.get("format") == "date-time":
        return "2026-01-01T09:00:00+08:00"
    return PLAUSIBLE.get(name, "测试")


@dataclass
class ApiCall:
    url: str
    body: dict | None
    targets_other: bool


def build_call(schema: dict, op: Operation, world: World, side: str) -> ApiCall:
    path = op.path
    query: dict[str, Any] = {}
    targets_other = False
    for param in op.spec.get("parameters", []):
        name, where = param["name"], param["in"]
        if where == "path":
            value = registry_value(name, world, side, op.label)
            path = path.replace("{" + name + "}", str(value))
            targets_other = True
        elif where == "query":
            if name in REGISTRY:
                query[name] = registry_value(name, world, side, op.label)
                targets_other = True
            elif param.get("required"):
                pytest.fail(_unknown_parameter(name, f"{op.label} (required query parameter)"), pytrace=False)
    body = None
    content = op.spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = _example(schema, "", content["application/json"]["schema"])
        for field in list(body):
            if field in REGISTRY:
                body[field] = registry_value(field, world, side, op.label)
                targets_other = True
    url = path + (f"?{urlencode(query)}" if query else "")
    return ApiCall(url=url, body=body, targets_other=targets_other)


def send(client: Client, op: Operation, call: ApiCall, **extra):
    if call.body is None:
        return getattr(client, op.method)(call.url, **extra)
    return getattr(client, op.method)(call.url, json.dumps(call.body), content_type="application/json", **extra)


def judge_api(response, *, targets_other: bool, markers: dict[str, str]) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if 200 <= status < 300 and targets_other:
        return f"answers {status} for another community's object"
    if status >= 400:
        if status not in (401, 403, 404, 405, 409, 422):
            return f"unexpected status {status}"
        body = response.json()
        if not {"code", "message"} <= set(body):
            return f"error body is not {{code, message}}: {body}"
    leaks = _leaks(body_text(response), markers, set())
    if leaks:
        return f"answers {status} showing " + ", ".join(leaks)
    return None


def sweep_api(world: World, client: Client, who: str, *, markers: dict[str, str], **extra) -> list[str]:
    schema = api_schema()
    problems = []
    for op in operations(schema):
        call = build_call(schema, op, world, "b")
        response = send(client, op, call, **extra)
        problem = judge_api(response, targets_other=call.targets_other, markers=markers)
        if problem:
            problems.append(f"{op.label} → {call.url} {call.body or ''} as {who}: {problem}")
    return problems


def test_the_openapi_schema_lists_the_known_operations():
    labels = {op.label for op in operations(api_schema())}
    assert {
        "API GET /api/v1/orgs/communities",
        "API GET /api/v1/orgs/communities/{community_id}",
        "API GET /api/v1/residents/",
        "API POST /api/v1/residents/",
        "API GET /api/v1/residents/{resident_id}",
        "API PATCH /api/v1/residents/{resident_id}",
        "API POST /api/v1/residents/{resident_id}/reveal",
    } <= labels


@pytest.mark.parametrize("username", ["staff_a", "grid_a1", "resident_a", "partner_a"])
def test_no_api_operation_gives_away_another_community(world, username):
    prime(world)
    before = Resident.objects.filter(community=world.community_b).count()
    problems = sweep_api(world, client_for(world.user(username)), username, markers=markers_of_b(world))
    assert not problems, "Cross-community access through the API:\n" + "\n".join(problems)
    assert Resident.objects.filter(community=world.community_b).count() == before


def test_no_api_operation_gives_away_another_community_to_a_token(world):
    prime(world)
    _token_row, raw = api_token_create(user=world.user("staff_a"), name="sweep")
    problems = sweep_api(
        world, Client(), "staff_a (token)", markers=markers_of_b(world), headers={"Authorization": f"Bearer {raw}"}
    )
    assert not problems, "Cross-community access through the API:\n" + "\n".join(problems)


def test_the_api_refuses_anonymous_callers(world):
    prime(world)
    schema = api_schema()
    for op in operations(schema):
        if f"{op.method.upper()} {op.path}" in PUBLIC_OPERATIONS:
            continue
        call = build_call(schema, op, world, "b")
        response = send(Client(), op, call)
        assert response.status_code == 401, f"{op.label} → {response.status_code}"
        assert response.json()["code"] == "unauthenticated"


def test_the_api_sweep_catches_a_leak(world):
    """Positive control: the platform administrator may see community B, so the sweep reports it."""
    prime(world)
    problems = sweep_api(world, client_for(world.user("admin")), "admin", markers=markers_of_b(world))
    assert any(p.startswith("API GET /api/v1/residents/{resident_id} →") for p in problems)
    assert any(p.startswith("API GET /api/v1/residents/ →") and "another community" in p for p in problems)
    assert any(p.startswith("API POST /api/v1/residents/{resident_id}/reveal →") for p in problems)
