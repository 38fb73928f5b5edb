"""schemathesis against the OpenAPI document of the app: no 500, no response that breaks
the schema. Bounded: a few positive and a few negative examples per operation.

(schemathesis' lazy pytest fixture loader does not work with pytest 9, so the
operations are driven here with hypothesis directly.)"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import schemathesis
from govkg.api.main import create_app
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance

from govkg.settings import Settings
from tests.api_server import loaded_store

EXAMPLES = 6
# Free text with a meaning of its own (a SPARQL query, an uploaded workbook): a
# schema-valid value may still be refused 400 (a syntax error, a bad workbook).
FREE_TEXT = {"/sparql", "/update", "/validate", "/load", "/import/mandate"}


@pytest.fixture(scope="module")
def api_schema(tmp_path_factory: pytest.TempPathFactory) -> Iterator[schemathesis.BaseSchema]:
    store: Path = loaded_store(tmp_path_factory.mktemp("schema"))
    settings_ = Settings.from_env(
        {}, store=store, token="schema-token", query_timeout=2.0, row_limit=200
    )
    app = create_app(settings_)
    yield schemathesis.openapi.from_asgi("/openapi.json", without_lifespan(app))
    app.state.govkg.close()


def without_lifespan(app: Any) -> Any:
    """The app, answering lifespan events itself: schemathesis' ASGI transport starts and
    stops the app around every request, and the worker pools should outlive them (they
    start at first use and are closed by the fixture)."""

    async def wrapped(scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "lifespan":
            await app(scope, receive, send)
            return
        while True:
            message = await receive()
            if message["type"] == "lifespan.startup":
                await send({"type": "lifespan.startup.complete"})
            elif message["type"] == "lifespan.shutdown":
                await send({"type": "lifespan.shutdown.complete"})
                return

    return wrapped


def operations(schema: schemathesis.BaseSchema) -> list:
    return [result.ok() for result in schema.get_all_operations()]


def test_every_route_has_examples(api_schema: schemathesis.BaseSchema) -> None:
    document = api_schema.raw_schema
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            assert operation.get("summary"), (method, path)
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                schema = parameter.get("schema", {})
                has_example = (
                    "examples" in parameter
                    or "example" in parameter
                    or any("examples" in s for s in [schema, *schema.get("anyOf", [])])
                )
                assert has_example or parameter["name"] in ("named-graph-uri",), (path, parameter)
            assert "default" not in operation["responses"]
            assert {"400", "404", "422", "500"} <= set(operation["responses"]), path


@pytest.mark.parametrize("mode", [GenerationMode.POSITIVE, GenerationMode.NEGATIVE])
def test_api_conforms_to_its_schema(
    api_schema: schemathesis.BaseSchema, mode: GenerationMode
) -> None:
    failures: list[str] = []
    for operation in operations(api_schema):

        @given(case=operation.as_strategy(generation_mode=mode))
        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            derandomize=True,
            database=None,
        )
        def check(case: schemathesis.Case) -> None:
            excluded = [positive_data_acceptance] if case.path in FREE_TEXT else []
            case.call_and_validate(excluded_checks=excluded)

        try:
            check()
        except Unsatisfiable:
            continue  # nothing negative to send (an operation without parameters)
        except Exception as error:  # collect them all, report at once
            failures.append(f"{operation.label}: {error}")
    assert not failures, "\n\n".join(failures)
