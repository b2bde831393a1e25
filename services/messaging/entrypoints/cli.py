"""Messaging commands: the shared ones plus the sending worker."""

from __future__ import annotations

import json
import uuid
from datetime import datetime
from pathlib import Path
from threading import Event

import click

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


@cli.command(
    "advance-cascades",
    help="Take the trial cascade steps that are due (the sender does so every minute); "
    "with --as-of, those due at that later moment (test systems: CASCADE_CLOCK_MOVABLE).",
)
@click.option(
    "--as-of",
    type=click.DateTime(["%Y-%m-%dT%H:%M:%S%z", "%Y-%m-%dT%H:%M%z"]),
    help="A moment ahead of now, with its offset (2026-12-14T10:00+00:00).",
)
def advance_cascades(as_of: datetime | None) -> None:
    from services.messaging.service_layer.cascades import run_due
    from shared.errors import DomainError

    settings = configured("messaging", load_settings)
    runtime = build_runtime(settings)
    try:
        moved = run_due(runtime.uow_factory(), as_of, movable=settings.cascade_clock_movable)
    except DomainError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"{moved} cascade step(s) taken or run(s) ended")


@cli.command("demo-recordings", help="Store espeak-ng demo recordings for calls (local run).")
@click.option("--language", "languages", multiple=True, help="Only these (default: all).")
def demo_recordings(languages: tuple[str, ...]) -> None:
    from services.messaging.adapters import espeak
    from services.messaging.service_layer.demo_recordings import seed

    settings = configured("messaging", load_settings)
    runtime = build_runtime(settings)
    made = seed(runtime.uow_factory, espeak.voice_for, espeak.speak, list(languages) or None)
    click.echo(f"{len(made)} demo recordings stored")


@cli.command("demo-whatsapp", help="Approve a demo WhatsApp template and opt-ins (local run).")
@click.option("--state", type=click.Path(path_type=Path), default=Path("var/demo.json"))
@click.option(
    "--templates",
    type=click.Path(path_type=Path),
    default=Path("var/whatsapp-templates.json"),
    help="Where the fake Twilio server reads the template's text (FAKE_TWILIO_CONTENT_TEMPLATES).",
)
def demo_whatsapp(state: Path, templates: Path) -> None:
    from services.messaging.service_layer import demo_whatsapp

    settings = configured("messaging", load_settings)
    runtime = build_runtime(settings)
    demo = json.loads(state.read_text())
    patients = [(uuid.UUID(p["participant_id"]), p["mobile"]) for p in demo.get("whatsapp", [])]
    texts = demo_whatsapp.seed(runtime.uow_factory, patients)
    templates.write_text(json.dumps(texts, indent=2))
    click.echo(f"WhatsApp: an approved invitation template, {len(patients)} opt-in(s)")
