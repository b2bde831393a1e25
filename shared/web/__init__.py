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
from shared.web import csrf

HERE = Path(__file__).parent
TEMPLATES = HERE / "templates"
STATIC = HERE / "static"


def install(app: Flask, templates: Path | None = None) -> None:
    # Imported here, not at the top, so `python -m shared.web.fonts` (run by every set-up)
    # does not find its own module already imported by this package.
    from shared.web import fonts

    loaders = [FileSystemLoader(str(templates))] if templates else []
    app.jinja_loader = ChoiceLoader([*loaders, FileSystemLoader(str(TEMPLATES))])
    # static/fonts is copied from the system's Noto packages by `make fonts` (shared/web/fonts.py).
    for folder in ("nhsuk", "fonts"):
        if folder not in app.blueprints:
            app.register_blueprint(
                Blueprint(
                    folder,
                    __name__,
                    static_folder=str(STATIC / folder),
                    static_url_path=f"/static/{folder}",
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
