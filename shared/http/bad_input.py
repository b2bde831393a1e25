"""Input no service can store or walk safely, refused before any view sees it.

PostgreSQL cannot store a NUL character, Python's JSON parser recurses once per level of
nesting, and a path integer beyond the database's range makes the query itself fail: each
was a 500. Every service gets these checks from here (issue 14, item 15):

- the request parser every flask-smorest blueprint uses refuses NUL in any string or key
  and JSON nested deeper than MAX_DEPTH, naming the field, and refuses unknown query
  parameters instead of dropping them silently;
- a request hook refuses NUL in any query parameter, also on views without a query schema
  (a streaming export must not start before its input is known to be good);
- `<int:...>` in a route only matches a non-negative 32-bit integer, so a larger one is a 404.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any, NoReturn

import marshmallow as ma
from flask import Flask, Response, request
from webargs import core
from webargs.flaskparser import FlaskParser, abort, is_json_request
from werkzeug.datastructures import MultiDict
from werkzeug.routing import IntegerConverter

from shared.http.problems import problem

MAX_DEPTH = 32
MAX_INT = 2**31 - 1  # PostgreSQL's integer
NUL = "\x00"
NUL_REASON = "must not contain a NUL character (\\u0000): remove it and send it again"
DEPTH_REASON = f"is nested too deeply: at most {MAX_DEPTH} levels of objects and lists"


def _problems(value: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """(field path, reason) for each NUL and for nesting beyond MAX_DEPTH; iterative, so a
    deep document cannot exhaust the stack here either."""
    stack: list[tuple[Any, str, int]] = [(value, path, 0)]
    while stack:
        item, where, depth = stack.pop()
        if isinstance(item, str):
            if NUL in item:
                yield where or "_", NUL_REASON
            continue
        if not isinstance(item, Mapping | list | tuple):
            continue
        if depth >= MAX_DEPTH:
            yield where or "_", DEPTH_REASON
            continue
        pairs = item.items() if isinstance(item, Mapping) else enumerate(item)
        for key, child in pairs:
            name = f"{where}.{key}" if where else str(key)
            if isinstance(key, str) and NUL in key:
                yield name.replace(NUL, "\\u0000"), NUL_REASON
                continue
            stack.append((child, name, depth + 1))


class SafeParser(FlaskParser):
    """webargs' Flask parser, refusing what PostgreSQL and the JSON parser cannot take."""

    DEFAULT_UNKNOWN_BY_LOCATION = {
        **FlaskParser.DEFAULT_UNKNOWN_BY_LOCATION,
        # A misspelt or unknown filter must not be ignored, silently widening the answer.
        "query": ma.RAISE,
        "querystring": ma.RAISE,
    }

    def _raw_load_json(self, req: Any) -> Any:
        if not is_json_request(req):
            return core.missing
        try:
            return core.parse_json(req.get_data(cache=True))
        except RecursionError:
            _refuse_json()

    def pre_load(
        self, location_data: Mapping[str, Any], *, schema: ma.Schema, req: Any, location: str
    ) -> Mapping[str, Any]:
        found: dict[str, list[str]] = {}
        raw = getattr(location_data, "data", location_data)  # webargs wraps a MultiDict
        problems: Iterator[tuple[str, str]]
        if isinstance(raw, MultiDict):  # query or form: every value of each name
            pairs = raw.items(multi=True)
            problems = (p for name, value in pairs for p in _problems(value, name))
        else:
            problems = _problems(location_data)
        for field, reason in problems:
            found.setdefault(field, []).append(reason)
        if found:
            raise ma.ValidationError(found)
        return location_data


def _refuse_json() -> NoReturn:
    abort(400, messages={"json": {"_": [DEPTH_REASON]}})


class BoundedIntConverter(IntegerConverter):
    """`<int:...>`: 0 to 2**31 - 1 unless the route says otherwise; beyond it, no match."""

    def __init__(self, map: Any, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("max", MAX_INT)
        super().__init__(map, *args, **kwargs)


def bounded_int_schema(converter: Any) -> dict[str, Any]:
    """How the OpenAPI document describes such a path parameter."""
    return {"type": "integer", "minimum": converter.min or 0, "maximum": converter.max}


def refuse_nul_in_query() -> Response | None:
    for name, value in request.args.items(multi=True):
        if NUL in name or NUL in value:
            field = name.replace(NUL, "\\u0000")
            return problem(
                422,
                "Invalid input",
                f"{field}: {NUL_REASON}",
                field_errors=[{"field": field, "reason": NUL_REASON, "in": "query"}],
            )
    return None


def install(app: Flask, api: Any) -> None:
    """The hook and the converter (before any route is added); the parser is set on every
    blueprint class when shared.http is first imported, before any view is decorated."""
    app.url_map.converters["int"] = BoundedIntConverter
    api.register_converter(BoundedIntConverter, bounded_int_schema)
    app.before_request(refuse_nul_in_query)
