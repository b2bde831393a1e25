"""Server-rendered pages in the NHS.UK design system, shared by every service that has pages.

`install(app, templates)` serves the vendored nhsuk-frontend files at /static/nhsuk/, puts the
service's own templates in front of the shared ones (`base.html`), and adds CSRF protection
for forms. Pages must work without JavaScript; the design system's script only enhances.
"""

from __future__ import annotations

from pathlib import Path

from flask import Blueprint, Flask
from jinja2 import ChoiceLoader, FileSystemLoader

from shared import languages
from shared.http.security import csp_nonce
from shared.web import csrf, fonts

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def install(app: Flask, templates: Path | None = None) -> None:
    loaders = [FileSystemLoader(str(templates))] if templates else []
    app.jinja_loader = ChoiceLoader([*loaders, FileSystemLoader(str(TEMPLATES))])
    if "nhsuk" not in app.blueprints:
        app.register_blueprint(
            Blueprint(
                "nhsuk",
                __name__,
                static_folder=str(STATIC / "nhsuk"),
                static_url_path="/static/nhsuk",
            )
        )
    if "fonts" not in app.blueprints:
        # Copied from the system's Noto packages by `make fonts` (shared/web/fonts.py).
        app.register_blueprint(
            Blueprint(
                "fonts",
                __name__,
                static_folder=str(STATIC / "fonts"),
                static_url_path="/static/fonts",
            )
        )
    app.jinja_env.globals.update(
        csrf_token=csrf.token,
        csrf_field=csrf.FIELD,
        csp_nonce=csp_nonce,
        is_rtl=languages.is_rtl,
        script_fonts=fonts.available,
        languages=languages.LANGUAGES,
    )
    app.after_request(csrf.set_cookie)
