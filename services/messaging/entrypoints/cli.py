"""Messaging commands: the shared ones plus the sending worker."""

from __future__ import annotations

from threading import Event

from services.messaging.bootstrap import build_reconciler, build_runtime, build_sender
from services.messaging.config import load_settings
from services.messaging.entrypoints.provider_reconciler import start_reconciler
from services.messaging.entrypoints.sender import run_sender
from shared.cli import configured, service_cli

cli = service_cli("messaging", load_settings, build_runtime)


@cli.command(help="Send queued texts through the SMS provider; reconcile with it.")
def sender() -> None:
    settings = configured("messaging", load_settings)
    runtime = build_runtime(settings)
    # Beside the sender, in its process: held webhooks and reconciliation (decision 16).
    stop = Event()
    reconciler = start_reconciler(build_reconciler(settings, runtime), stop)
    try:
        run_sender(settings, runtime, build_sender(settings, runtime, serve_metrics=True))
    finally:
        stop.set()
        reconciler.join()
