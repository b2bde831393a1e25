"""python -m services.fake_twilio: serve the fake on $FAKE_TWILIO_HOST:$FAKE_TWILIO_PORT."""

from __future__ import annotations

from werkzeug.serving import WSGIRequestHandler, run_simple

from services.fake_twilio import create_app
from services.fake_twilio.settings import FakeTwilioSettings


class QuietApiHandler(WSGIRequestHandler):
    """werkzeug's handler without an access-log line for each successful Twilio API call:
    a benchmark makes thousands a second, and the control and page requests stay logged.

    HTTP/1.1, so the SDK's session keeps its connection instead of opening one per call
    (werkzeug answers HTTP/1.0 and closes by default)."""

    protocol_version = "HTTP/1.1"

    def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
        if self.path.startswith("/2010-04-01/") and str(code).startswith("2"):
            return
        super().log_request(code, size)


def main() -> None:
    settings = FakeTwilioSettings.from_env()
    app = create_app(settings)
    print(
        f"fake Twilio on http://{settings.host}:{settings.port} (phone simulator: /phone)",
        flush=True,
    )
    # Threaded: a webhook's receiver may call this server back while the webhook is pending.
    run_simple(settings.host, settings.port, app, threaded=True, request_handler=QuietApiHandler)


if __name__ == "__main__":
    main()
