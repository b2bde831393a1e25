"""python -m services.fake_twilio: serve the fake on $FAKE_TWILIO_HOST:$FAKE_TWILIO_PORT."""

from __future__ import annotations

import os
from typing import Any

from flask import Flask
from gunicorn.app.base import BaseApplication

from services.fake_twilio import create_app
from services.fake_twilio.settings import FakeTwilioSettings


class FakeServer(BaseApplication):
    """gunicorn in one process (the fake keeps its messages in memory), many threads.

    Threads: a webhook's receiver may call this server back while the webhook is pending,
    and with added latency each API call holds its thread. Keep-alive, as Twilio's own API
    has: the SDK's session keeps its connection instead of opening one per call.
    """

    def __init__(self, settings: FakeTwilioSettings) -> None:
        self.settings = settings
        super().__init__()

    def load_config(self) -> None:
        options: dict[str, Any] = {
            "bind": f"{self.settings.host}:{self.settings.port}",
            "workers": 1,
            "worker_class": "gthread",
            "threads": 128,
            "keepalive": 75,
            "timeout": 120,
            "accesslog": None,
            "errorlog": "-",
            # The heartbeat file in memory: gthread touches it on every loop, a disk is slower.
            "worker_tmp_dir": "/dev/shm" if os.path.isdir("/dev/shm") else None,  # noqa: S108
        }
        for key, value in options.items():
            self.cfg.set(key, value)

    def load(self) -> Flask:
        # Built in the worker, after the fork, with its callback threads.
        return create_app(self.settings)


def main() -> None:
    settings = FakeTwilioSettings.from_env()
    print(
        f"fake Twilio on http://{settings.host}:{settings.port} (phone simulator: /phone)",
        flush=True,
    )
    FakeServer(settings).run()


if __name__ == "__main__":
    main()
