"""Every console page template compiles, so a syntax slip fails here, not in a browser."""

from __future__ import annotations

from pathlib import Path

import jinja2
import pytest

from services.console.entrypoints.filters import FILTERS
from shared.web import TEMPLATES as SHARED

CONSOLE = Path(__file__).resolve().parents[3] / "services" / "console" / "templates"
ENV = jinja2.Environment(
    loader=jinja2.ChoiceLoader([jinja2.FileSystemLoader(CONSOLE), jinja2.FileSystemLoader(SHARED)]),
    autoescape=True,
)
ENV.filters.update(FILTERS)


@pytest.mark.parametrize(
    "name", sorted(str(p.relative_to(CONSOLE)) for p in CONSOLE.rglob("*.html"))
)
def test_the_template_compiles(name: str) -> None:
    assert ENV.get_template(name).name == name
