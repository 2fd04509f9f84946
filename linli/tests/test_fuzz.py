"""Fuzz every API operation with schemathesis (issue #12, item 2; figures in docs/ops.md).

The schema is the API's own (``linli.api.api.get_openapi_schema()``, what /api/v1/openapi.json
serves). For every operation, schemathesis generates requests from it — valid ones, then
invalid ones — and sends them through the Django WSGI application inside the test's database
transaction, authenticated with a Bearer token of community A's staff member. Both communities
of ``build_world`` have meals, orders, a fund with a donation and a snapshot report, so an
operation that leaked across tenants would have something to leak. Every response must:

* not be a server error (5xx);
* be JSON ``{code, message}`` when it is an error (the API's promise), and conform to the
  declared schema when its status is one the schema declares;
* not contain any of community B's marker strings (its name, its resident's name and phone
  number, its users' names), outside the public operations (``/public/``), which publish every
  community's open data by design.

Bounded for CI: ``EXAMPLES`` positive and ``EXAMPLES`` negative cases per operation, derandomised
so a run is repeatable. The test prints the number of cases it ran.
"""

from __future__ import annotations

import json
import typing

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.signals import request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from pydantic import BaseModel
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import response_schema_conformance

from accounts.services import api_token_create
from linli.api import api

EXAMPLES = 4
CONFORMANCE_EXAMPLES = 2

# What only community B's side holds (linli.testkit.build_world and the data made below).
B_MARKERS = ("溡源社区", "王秀英", "13900000201", "staff_b", "resident_b", "B侧社区助餐", "member_b1")


def _world_with_data(world) -> None:
    from catalog.services import order_create
    from catalog.tests.factories import kitchen
    from fund.tests.conftest import donate, make_fund
    from orgs.scope import Scope
    from snapshots.tests.factories import report

    for side in ("a", "b"):
        k = kitchen(world, side)
        order_create(actor=Scope(world.user(f"resident_{side}")), meal=k.meal, resident=world.residents[f"{side}1"])
        make_fund(world, side)
        donate(world, side, 500_000)
        report(world, side)


def _time_format_relaxed(node):
    """pydantic writes a ``time`` as "12:30:00" and declares ``format: time``, which JSON Schema
    reads as RFC 3339 (an offset is required). The API's times are wall-clock times of the
    community, without an offset by design, so the check accepts them."""
    if isinstance(node, dict):
        if node.get("format") == "time":
            node = {k: v for k, v in node.items() if k != "format"} | {"pattern": TIME_PATTERN}
        return {k: _time_format_relaxed(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_time_format_relaxed(v) for v in node]
    return node


TIME_PATTERN = r"^[0-2][0-9]:[0-5][0-9](:[0-5][0-9](\.[0-9]+)?)?$"


def _operations():
    schema = schemathesis.openapi.from_dict(_time_format_relaxed(api.get_openapi_schema()))
    for result in schema.get_all_operations():
        yield result.ok()


def _content_type(response) -> str:
    return next(iter(response.headers.get("content-type") or [""]), "")


def _problems_of(case, response, *, public: bool) -> list[str]:
    """No 5xx, errors as {code, message}, nothing of community B outside the public operations."""
    status = response.status_code
    text = response.content.decode("utf-8", "replace")
    if status >= 500:
        return [f"{status}: {text[:300]}"]
    problems = []
    if status >= 400 and _content_type(response).startswith("application/json"):
        body = json.loads(text)
        if not (isinstance(body, dict) and {"code", "message"} <= set(body)):
            problems.append(f"{status} without {{code, message}}: {text[:200]}")
    if not public:
        problems += [f"{status} shows community B's {m!r}" for m in B_MARKERS if m in text]
    return problems


def _conformance_of(case, response) -> list[str]:
    """A successful response matches the schema declared for its status."""
    if response.status_code >= 400:
        return []  # ninja declares the success statuses only; errors are checked above
    try:
        case.validate_response(response, checks=[response_schema_conformance])
    except (Exception, BaseExceptionGroup) as exc:  # schemathesis raises a group of failures
        first = str(exc).split("Schema:")[0].split("Response violates schema", 1)[-1]
        return [f"{response.status_code} does not match the schema: {' '.join(first.split())[:200]}"]
    return []


def _fuzzer(operation, mode: GenerationMode, examples: int, send):
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=examples,
        deadline=None,
        derandomize=True,
        database=None,
        suppress_health_check=list(HealthCheck),
        phases=[Phase.explicit, Phase.generate],
    )
    def fuzz(case) -> None:
        send(case)

    return fuzz


def _fuzz(world, *, modes, examples: int, judge) -> tuple[dict, dict[str, list[str]]]:
    """Fuzz every operation as community A's staff member; ``judge(case, response)`` → problems."""
    _world_with_data(world)
    _token, raw = api_token_create(user=world.staff("a"), name="fuzz")
    headers = {"Authorization": f"Bearer {raw}"}
    app = WSGIHandler()
    failures: dict[str, list[str]] = {}
    counts = {"operations": 0, "cases": 0}

    def send(case) -> None:
        counts["cases"] += 1
        response = case.call(app=app, headers=headers)
        for problem in judge(case, response):
            failures.setdefault(f"{case.operation.method.upper()} {case.operation.path}", []).append(
                f"{problem} ← {case.method} {case.formatted_path} query={case.query} body={str(case.body)[:200]}"
            )

    # Like Django's test client: a request must not close the test's connection (and with it
    # the transaction that holds the world).
    request_started.disconnect(close_old_connections)
    try:
        for operation in _operations():
            counts["operations"] += 1
            for mode in modes:
                try:
                    _fuzzer(operation, mode, examples, send)()
                except Unsatisfiable:
                    pass  # no invalid request can be made for this operation (nothing to negate)
    finally:
        request_started.connect(close_old_connections)
    return counts, failures


def _report(failures: dict[str, list[str]]) -> str:
    return "\n".join(f"{op}:\n  " + "\n  ".join(dict.fromkeys(msgs)) for op, msgs in sorted(failures.items()))


@pytest.mark.django_db
def test_every_api_operation_survives_fuzzing(world, capsys):
    """Valid and invalid requests: no 5xx, errors as {code, message}, no other-tenant data."""

    def judge(case, response):
        return _problems_of(case, response, public="/public/" in case.operation.path)

    counts, failures = _fuzz(
        world, modes=(GenerationMode.POSITIVE, GenerationMode.NEGATIVE), examples=EXAMPLES, judge=judge
    )
    with capsys.disabled():
        print(f"\nfuzz: {counts['operations']} operations, {counts['cases']} cases")
    assert counts["operations"] > 100
    assert not failures, _report(failures)


@pytest.mark.django_db
def test_fuzzed_responses_conform_to_the_schema(world, capsys):
    """Valid requests: every successful response has the shape the OpenAPI schema declares."""
    counts, failures = _fuzz(
        world, modes=(GenerationMode.POSITIVE,), examples=CONFORMANCE_EXAMPLES, judge=_conformance_of
    )
    with capsys.disabled():
        print(f"\nfuzz (conformance): {counts['operations']} operations, {counts['cases']} cases")
    assert not failures, _report(failures)


def _models_of(model, seen: set) -> None:
    if not (isinstance(model, type) and issubclass(model, BaseModel)) or model in seen:
        return
    seen.add(model)
    for info in model.model_fields.values():
        for arg in _flatten(info.annotation):
            _models_of(arg, seen)


def _flatten(annotation):
    yield annotation
    for arg in typing.get_args(annotation):
        yield from _flatten(arg)


def test_openapi_component_names_are_unique():
    """ninja names a schema component after its class; two classes of one name share a component
    and the schema then documents one of them wrongly (found by the conformance test above)."""
    seen: set = set()
    for _prefix, router in api._routers:
        for view in router.path_operations.values():
            for operation in view.operations:
                for model in [*operation.response_models.values(), *operation.models]:
                    _models_of(model, seen)
    by_name: dict[str, set[str]] = {}
    for model in seen:
        if model.__module__ in ("abc", "ninja.schema") or model.__name__ in ("Schema", "BaseModel"):
            continue  # ninja's per-operation wrappers, never components themselves
        by_name.setdefault(model.__name__, set()).add(f"{model.__module__}.{model.__qualname__}")
    shared = {name: sorted(where) for name, where in sorted(by_name.items()) if len(where) > 1}
    assert not shared, "\n".join(f"{name}: {', '.join(where)}" for name, where in shared.items())
