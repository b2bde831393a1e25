"""The baseline for the webhook benchmark: a Flask hello-world answering the same route."""

from __future__ import annotations

from flask import Flask, Response


def create_app() -> Flask:
    app = Flask(__name__)

    @app.post("/webhooks/twilio/status/<message_id>")
    def status(message_id: str) -> Response:
        return Response(status=204)

    return app
