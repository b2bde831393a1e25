"""python -m services.console: a development server; production runs it under gunicorn."""

from __future__ import annotations

import os

from services.console import create_app

if __name__ == "__main__":
    create_app().run(host="127.0.0.1", port=int(os.environ.get("CONSOLE_PORT", "8000")))
