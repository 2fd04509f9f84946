"""No page, export or API call gives a user another community's records.

This test does not list endpoints by hand. It walks the URL configuration and the OpenAPI
schema, fills every id in a URL with an object of the *other* community (溡源社区, where the test
users hold no role) and requests it as a community-A staff member, a grid worker, a resident and
an anonymous visitor. An answer is acceptable when it refuses (403/404/405, a redirect to the log-in
page, 401/422 for the API) or, for pages that take no id, when the body shows nothing of
community B.

An endpoint added later is covered without writing a test for it: if its URL takes a parameter
the registry does not know, test_every_url_parameter_is_in_the_registry (or its API twin) fails
and says what to add. Each app keeps its part of the registry next to its own tests, in
``<app>/tests/access_registry.py`` (residents/tests/access_registry.py describes the contract).
"""

from __future__ import annotations

import functools
import importlib
import io
import json
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import urlencode, urlparse

import openpyxl
import pytest
from django.apps import apps
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from accounts.services import api_token_create
from linli.testkit import PASSWORD, World, make_id_number
from orgs.models import OrgNode, RoleGrant
from orgs.roles import Role
from orgs.selectors import SESSION_KEY
from residents.models import Resident

pytestmark = pytest.mark.django_db

# Parts of the URL space this test leaves to others: Django's admin (superusers only, tested by
# Django), the language switch, static files, and the JSON API (swept operation by operation
# from its OpenAPI schema below, which is more precise than its URL patterns).
SKIPPED_PREFIXES = ("admin/", "i18n/", "static/", "media/", "api/")

# Pages anyone may open without logging in, on purpose. On these, public facts (community names)
# may appear; residents' data may not appear anywhere. Apps declare their own public pages in
# their access_registry module (below).
CORE_PUBLIC_PAGES = {"public:home", "healthz", "accounts:login"}
CORE_PUBLIC_MARKERS = {"community B's name"}

SIDE_NAMES = {"a": "康平社区, where the test users work", "b": "溡源社区, where they hold no role"}


# --- The registry: URL parameter name → an object of a given community ----------------------
#
# Each entry is a function ``(world, side) -> id`` returning the id of an object that belongs to
# community ``side`` ("b" = 溡源社区, the one the users under test have no role in; "a" =
# 康平社区, used for the vertical checks and the positive control). The parameters of the
# foundation (orgs, accounts) are here; every app adds its own in ``<app>/tests/access_registry.py``
# (see residents/tests/access_registry.py for the contract and an example), which this test
# finds by itself, so apps never need to edit this file.


def _grid(w: World, side: str) -> OrgNode:
    return w.grid_b1 if side == "b" else w.grid_a1


def _building(w: World, side: str) -> OrgNode:
    return w.building_b1 if side == "b" else w.building_a1


def _token(w: World, side: str):
    return w.once(f"accounts.token.{side}", lambda: api_token_create(user=w.staff(side), name=f"{side}-side-client")[0])


def _grant(w: World, side: str) -> RoleGrant:
    return RoleGrant.objects.get(user=w.staff(side), role=Role.COMMUNITY_STAFF, revoked_at__isnull=True)


CORE_REGISTRY: dict[str, Callable[[World, str], Any]] = {
    "community_id": lambda w, s: w.community(s).pk,
    "grid_id": lambda w, s: _grid(w, s).pk,
    "node_id": lambda w, s: _grid(w, s).pk,
    "building_id": lambda w, s: _building(w, s).pk,
    "token_id": lambda w, s: _token(w, s).pk,  # a token of another user
    "user_id": lambda w, s: w.staff(s).pk,
    "grant_id": lambda w, s: _grant(w, s).pk,
}


def _core_markers(world: World) -> dict[str, str]:
    return {
        world.community_b.name: "community B's name",
        "staff_b": "community B staff member's name",
        "resident_b": "community B resident's account name",
        _token(world, "b").prefix: "a token prefix of a community B user",
    }


@functools.cache
def app_registries() -> tuple[ModuleType, ...]:
    """Every project app's ``tests/access_registry`` module, where there is one."""
    found = []
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(settings.BASE_DIR) or ".venv" in Path(config.path).parts:
            continue
        module_name = f"{config.name}.tests.access_registry"
        try:
            found.append(importlib.import_module(module_name))
        except ModuleNotFoundError as exc:
            if exc.name not in (f"{config.name}.tests", module_name):
                raise
    return tuple(found)


@functools.cache
def registry() -> dict[str, Callable[[World, str], Any]]:
    merged = dict(CORE_REGISTRY)
    for module in app_registries():
        for kwarg, make in getattr(module, "REGISTRY", {}).items():
            assert kwarg not in merged, f"{module.__name__} defines REGISTRY[{kwarg!r}], which is already defined"
            merged[kwarg] = make
    return merged


def public_pages() -> set[str]:
    return CORE_PUBLIC_PAGES.union(*(getattr(m, "PUBLIC_PAGES", set()) for m in app_registries()))


def public_operations() -> set[str]:
    return set().union(*(getattr(m, "PUBLIC_OPERATIONS", set()) for m in app_registries()))


def public_markers() -> set[str]:
    return CORE_PUBLIC_MARKERS.union(*(getattr(m, "PUBLIC_MARKERS", set()) for m in app_registries()))


def _unknown_parameter(kwarg: str, where: str, owner: str | None) -> str:
    home = f"{owner}/tests/access_registry.py" if owner else "<app>/tests/access_registry.py"
    return (
        f"{where} takes the parameter {kwarg!r}, which the access-control registry does not know, so this "
        f"endpoint cannot be checked for cross-community access.\n"
        f"Add REGISTRY[{kwarg!r}] to {home} (create the module if needed; residents/tests/access_registry.py "
        f"shows how): a function (world, side) that returns the id of a {kwarg.removesuffix('_id')!r} "
        f"belonging to community `side` ('b' = {SIDE_NAMES['b']}; 'a' = {SIDE_NAMES['a']}). Make the object "
        f"through your app's services, once, with world.once(key, make). Then every page and API operation "
        f"taking {kwarg!r} is checked by linli/tests/test_access_control.py automatically."
    )


def registry_value(kwarg: str, world: World, side: str, where: str, owner: str | None = None) -> Any:
    if kwarg not in registry():
        pytest.fail(_unknown_parameter(kwarg, where, owner), pytrace=False)
    return registry()[kwarg](world, side)


def prime(world: World) -> None:
    """Create every registry object up front, so markers (token prefixes, file names) exist."""
    for side in ("a", "b"):
        for make in registry().values():
            make(world, side)


def markers_of_b(world: World) -> dict[str, str]:
    """Strings that only a user who may see community B should ever receive → what they are."""
    found = _core_markers(world)
    for module in app_registries():
        if hasattr(module, "markers"):
            found.update(module.markers(world))
    return found


# --- Walking the URL configuration ------------------------------------------------------------

_ROUTE_PARAM = re.compile(r"<(?:(?P<converter>[^>:]+):)?(?P<name>[^>]+)>")


@dataclass(frozen=True)
class Endpoint:
    route: str  # e.g. "console/residents/<int:resident_id>/"
    name: str | None  # e.g. "residents:detail"
    kwargs: tuple[str, ...]
    owner: str | None = None  # the app whose view answers

    @property
    def label(self) -> str:
        return f"URL /{self.route} ({self.name or 'unnamed'})"

    @property
    def is_public(self) -> bool:
        return self.name in public_pages()

    @property
    def registered(self) -> bool:
        """Every parameter is in the registry. Sweeps check only these; the others make
        test_every_url_parameter_is_in_the_registry fail with what to add."""
        return all(k in registry() for k in self.kwargs)

    def fill(self, world: World, side: str) -> str:
        return self.url({k: registry_value(k, world, side, self.label, self.owner) for k in self.kwargs})

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
            module = getattr(p.callback, "__module__", "") or ""
            owner = module.split(".")[0] if apps.is_installed(module.split(".")[0]) else None
            yield Endpoint(route=route, name=name, kwargs=names, owner=owner)


def endpoints() -> list[Endpoint]:
    found = [e for e in _walk(get_resolver().url_patterns) if not e.route.startswith(SKIPPED_PREFIXES)]
    return sorted(set(found), key=lambda e: e.route)


def checkable_endpoints() -> list[Endpoint]:
    return [e for e in endpoints() if e.registered]


# --- Requests and judgement ---------------------------------------------------------------------


def client_for(user, *, community: OrgNode | None = None) -> Client:
    """A fresh client logged in as ``user``; ``community`` picks the console's current community."""
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
    """None if the answer is acceptable, else what is wrong with it.

    ``targets_other``: the URL carries ids of community B's objects. A non-public page must then
    refuse; a public page may answer (it shows public facts) but, like every page, must not show
    community B's private data.
    """
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    strict = targets_other and not public
    if status in (301, 302, 303, 307, 308):
        location = urlparse(response["Location"]).path
        if location == LOGIN_PATH or not strict:
            # A redirect from a page without ids lands on another page, which is swept itself.
            return None
        return f"redirects to {response['Location']} instead of refusing"
    if strict and status not in (403, 404, 405):
        # Anything else (a page, a form error, a conflict) shows that the view worked on the object.
        return f"answers {status} for another community's object instead of refusing"
    leaks = _leaks(body_text(response), markers, public_markers() if public else set())
    if leaks:
        return f"answers {status} showing " + ", ".join(leaks)
    return None


def sweep_pages(
    world: World, user, *, side: str = "b", markers: dict[str, str], community: OrgNode | None = None
) -> tuple[list[str], dict]:
    """Request every page as ``user`` with ids of community ``side``: GET, GET with every known id
    in the query string, GET as HTMX, and POST with every known id in the form. Return the
    problems found and the status of each plain GET (for the positive control)."""
    problems: list[str] = []
    statuses: dict[str, int] = {}
    ids = {k: make(world, side) for k, make in registry().items()}
    query = urlencode({**ids, "grid": _grid(world, side).pk})
    for endpoint in checkable_endpoints():
        url = endpoint.fill(world, side)
        attempts = [
            ("GET", url, lambda c, u=url: c.get(u)),
            ("GET", f"{url}?{query}", lambda c, u=url: c.get(f"{u}?{query}")),
            ("GET htmx", url, lambda c, u=url: c.get(u, headers={"HX-Request": "true", "HX-Target": "resident-rows"})),
            ("POST", url, lambda c, u=url: c.post(u, ids)),
        ]
        for method, shown, send in attempts:
            # A fresh client each time: a POST to the logout page must not log out the next request.
            response = send(client_for(user, community=community))
            if method == "GET" and shown == url:
                statuses[endpoint.name or endpoint.route] = response.status_code
            problem = judge_page(
                response, targets_other=bool(endpoint.kwargs), public=endpoint.is_public, markers=markers
            )
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
    assert (detail.kwargs, detail.owner) == (("resident_id",), "residents")


def test_the_app_registries_are_found():
    assert "residents.tests.access_registry" in {m.__name__ for m in app_registries()}
    assert {"resident_id", "batch_id", "community_id", "token_id"} <= set(registry())


def test_every_url_parameter_is_in_the_registry():
    missing = [
        _unknown_parameter(kwarg, endpoint.label, endpoint.owner)
        for endpoint in endpoints()
        for kwarg in endpoint.kwargs
        if kwarg not in registry()
    ]
    if missing:
        pytest.fail("\n\n".join(missing), pytrace=False)


def test_an_unknown_parameter_fails_with_a_message_saying_what_to_add(world):
    endpoint = Endpoint(route="console/books/<int:book_id>/", name=None, kwargs=("book_id",), owner="ledger")
    with pytest.raises(pytest.fail.Exception) as excinfo:
        endpoint.fill(world, "b")
    message = str(excinfo.value)
    assert "REGISTRY['book_id']" in message and "ledger/tests/access_registry.py" in message
    assert "console/books/<int:book_id>/" in message


def test_public_pages_are_exactly_the_declared_ones(world):
    prime(world)
    checkable = checkable_endpoints()
    public = {e.name for e in checkable if client_for(None).get(e.fill(world, "b")).status_code == 200}
    declared = public_pages() & {e.name for e in checkable}
    assert public == declared, (
        "The pages anyone can open without logging in changed. If that is intended, declare them in "
        "PUBLIC_PAGES of the app's tests/access_registry.py (foundation pages: CORE_PUBLIC_PAGES in "
        f"linli/tests/test_access_control.py). Now public: {sorted(public)}; declared: {sorted(declared)}"
    )
    # The public home page does list every community: that is a public fact we allow.
    home = client_for(None).get("/").content.decode()
    assert world.community_a.name in home and world.community_b.name in home


@pytest.mark.parametrize("username", ["staff_a", "grid_a1", "resident_a", None])
def test_no_page_gives_away_another_community(world, username):
    prime(world)
    user = world.user(username) if username else None
    problems, _statuses = sweep_pages(world, user, markers=markers_of_b(world))
    assert not problems, "Cross-community access:\n" + "\n".join(problems)


def test_anonymous_visitors_are_sent_to_log_in(world):
    prime(world)
    for endpoint in checkable_endpoints():
        if endpoint.is_public:
            continue
        url = endpoint.fill(world, "b")
        response = client_for(None).get(url)
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
    assert any("[residents:detail]" in p and "answers 200 for another community" in p for p in problems)
    assert any("[residents:list]" in p and "王秀英" in p for p in problems)
    assert any("[residents:import_preview]" in p for p in problems)
    for endpoint in checkable_endpoints():
        if endpoint.kwargs:
            status = statuses[endpoint.name or endpoint.route]
            assert status != 404, (
                f"{endpoint.label}: the registry's objects give a 404 even to a platform administrator, so the "
                "cross-community check proves nothing for it. Make the REGISTRY entries return real objects."
            )


# --- Vertical escalation ----------------------------------------------------------------------


def console_endpoints() -> list[Endpoint]:
    return [e for e in checkable_endpoints() if e.route.startswith("console/")]


@pytest.mark.parametrize("username", ["resident_a", "volunteer_a", "nobody"])
def test_people_without_a_staff_role_get_no_console_page(world, username):
    prime(world)
    assert len(console_endpoints()) >= 10
    for endpoint in console_endpoints():
        # Ids of their *own* community: it is the role, not the community, that is missing.
        url = endpoint.fill(world, "a")
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
        if endpoint.route.startswith("console/residents/"):
            url = endpoint.fill(world, "a")
            response = client_for(partner).get(url)
            assert response.status_code in (404, 405), f"GET {url} as partner staff: {response.status_code}"
        else:
            # Other console pages may answer; none may show the community's residents.
            url = endpoint.fill(world, "a")
            text = body_text(client_for(partner).get(url))
            assert not _leaks(text, markers, set()), f"GET {url} as partner staff: {_leaks(text, markers, set())}"
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

    @property
    def key(self) -> str:
        return f"{self.method.upper()} {self.path}"

    @property
    def owner(self) -> str | None:
        # Routers are mounted under the app's name: /api/v1/<app>/...
        segment = self.path.removeprefix("/api/v1/").split("/")[0]
        return segment if apps.is_installed(segment) else None

    def unknown_parameters(self) -> list[str]:
        """Ids in the path or the required query the registry cannot fill. (Other required query
        parameters, dates or amounts, get plausible values from their schema.)"""
        return [
            p["name"]
            for p in self.spec.get("parameters", [])
            if p["name"] not in registry()
            and (p["in"] == "path" or (p["in"] == "query" and p.get("required") and _looks_like_an_id(p["name"])))
        ]


def _looks_like_an_id(name: str) -> bool:
    return name == "id" or name.endswith("_id")


def api_schema() -> dict:
    response = Client().get("/api/v1/openapi.json")
    assert response.status_code == 200, response.content[:500]
    return response.json()


def operations(schema: dict, *, checkable_only: bool = True) -> list[Operation]:
    found = []
    for path, methods in schema["paths"].items():
        for method, spec in methods.items():
            if method in ("get", "post", "put", "patch", "delete"):
                found.append(Operation(method, path, spec))
    return [op for op in found if not op.unknown_parameters()] if checkable_only else found


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
    if "default" in node and name not in PLAUSIBLE:
        return node["default"]
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
    """Path ids, known query ids and known body ids from the registry; the rest plausible."""
    path = op.path
    query: dict[str, Any] = {}
    targets_other = False
    for param in op.spec.get("parameters", []):
        name, where = param["name"], param["in"]
        if where == "path":
            value = registry_value(name, world, side, op.label, op.owner)
            path = path.replace("{" + name + "}", str(value))
            targets_other = True
        elif where == "query":
            if name in registry():
                query[name] = registry_value(name, world, side, op.label, op.owner)
                targets_other = True
            elif param.get("required"):
                if _looks_like_an_id(name):
                    pytest.fail(_unknown_parameter(name, f"{op.label} (required query parameter)", op.owner), pytrace=False)
                query[name] = _example(schema, name, param.get("schema", {}))
    body = None
    content = op.spec.get("requestBody", {}).get("content", {})
    if "application/json" in content:
        body = _example(schema, "", content["application/json"]["schema"])
        for field in list(body):
            if field in registry():
                body[field] = registry_value(field, world, side, op.label, op.owner)
                targets_other = True
    url = path + (f"?{urlencode(query)}" if query else "")
    return ApiCall(url=url, body=body, targets_other=targets_other)


def send(client: Client, op: Operation, call: ApiCall, **extra):
    if call.body is None:
        return getattr(client, op.method)(call.url, **extra)
    return getattr(client, op.method)(call.url, json.dumps(call.body), content_type="application/json", **extra)


def judge_api(response, *, targets_other: bool, public: bool, markers: dict[str, str]) -> str | None:
    status = response.status_code
    if status >= 500:
        return f"server error {status}"
    if targets_other and not public and status not in (401, 403, 404, 405, 422):
        return f"answers {status} for another community's object instead of refusing"
    if status >= 400:
        body = json.loads(response.content or b"{}")
        if not {"code", "message"} <= set(body):
            return f"error body is not {{code, message}}: {body}"
    leaks = _leaks(body_text(response), markers, public_markers() if public else set())
    if leaks:
        return f"answers {status} showing " + ", ".join(leaks)
    return None


def sweep_api(world: World, client: Client, who: str, *, markers: dict[str, str], **extra) -> list[str]:
    schema = api_schema()
    problems = []
    for op in operations(schema):
        call = build_call(schema, op, world, "b")
        response = send(client, op, call, **extra)
        problem = judge_api(
            response, targets_other=call.targets_other, public=op.key in public_operations(), markers=markers
        )
        if problem:
            problems.append(f"{op.label} → {call.url} {call.body or ''} as {who}: {problem}")
    return problems


def test_every_api_parameter_is_in_the_registry():
    missing = [
        _unknown_parameter(name, op.label, op.owner)
        for op in operations(api_schema(), checkable_only=False)
        for name in op.unknown_parameters()
    ]
    if missing:
        pytest.fail("\n\n".join(missing), pytrace=False)


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
    owners = {op.label: op.owner for op in operations(api_schema())}
    assert owners["API GET /api/v1/residents/{resident_id}"] == "residents"


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
        if op.key in public_operations():
            continue
        call = build_call(schema, op, world, "b")
        response = send(Client(), op, call)
        assert response.status_code == 401, f"{op.label} → {response.status_code}"
        assert response.json()["code"] == "unauthenticated"


def test_the_api_sweep_catches_a_leak(world):
    """Positive control: the platform administrator may see community B, so the sweep reports it."""
    prime(world)
    admin = client_for(world.user("admin"))
    # Revealing asks for the password again (accounts.reauth): confirmed, as the admin would.
    assert admin.post("/accounts/confirm/", {"password": PASSWORD}).status_code == 302
    problems = sweep_api(world, admin, "admin", markers=markers_of_b(world))
    assert any(p.startswith("API GET /api/v1/residents/{resident_id} →") for p in problems)
    assert any(p.startswith("API GET /api/v1/residents/ →") and "another community" in p for p in problems)
    assert any(p.startswith("API POST /api/v1/residents/{resident_id}/reveal →") for p in problems)
