"""Consent commands: the shared ones, plus audit verification, expiry and the demo form."""

from __future__ import annotations

import json
import time
import uuid
from pathlib import Path

import click

from services.consent.bootstrap import build_runtime
from services.consent.config import load_settings
from services.consent.entrypoints import demo
from services.consent.service_layer import audit, records
from shared.auth.principal import ADMIN, Principal
from shared.cli import configured, service_cli

cli = service_cli("consent", load_settings, build_runtime)
SYSTEM = Principal(uuid.uuid4(), "consent command line", ADMIN)


@cli.command("verify-audit", help="Verify audit chains; name the first broken entry of each.")
@click.option("--trial", "trial_id", type=click.UUID, help="Only this trial's records.")
@click.option("--participant", "participant_id", type=click.UUID, help="Only this participant.")
def verify_audit(trial_id: uuid.UUID | None, participant_id: uuid.UUID | None) -> None:
    runtime = build_runtime(configured("consent", load_settings))
    result = audit.verify_chains(
        runtime.uow_factory,
        SYSTEM,
        trial_id,
        participant_id,
    )
    for broken in result.broken:
        click.echo(
            json.dumps(
                {
                    "record_id": str(broken.record_id),
                    "participant_id": str(broken.participant_id),
                    "trial_id": str(broken.trial_id),
                    "first_broken_seq": broken.first_broken_seq,
                }
            )
        )
    click.echo(f"{result.checked} chain(s) checked, {len(result.broken)} broken", err=True)
    raise SystemExit(0 if result.intact else 1)


@cli.command("expire", help="Expire records with no answer by their trial's response deadline.")
@click.option("--every", type=float, default=0, help="Repeat every N seconds (a worker tick).")
def expire(every: float) -> None:
    runtime = build_runtime(configured("consent", load_settings))
    while True:
        count = records.expire_overdue(runtime.uow_factory)
        click.echo(f"expired {count} record(s)")
        if every <= 0:
            return
        time.sleep(every)


@cli.command("demo-form", help="Publish the demo trial's English and Urdu consent form (once).")
@click.option("--state", type=click.Path(path_type=Path), default=Path("var/demo.json"))
def demo_form(state: Path) -> None:
    runtime = build_runtime(configured("consent", load_settings))
    trial_id = uuid.UUID(json.loads(state.read_text())["trial_id"])
    made = demo.publish_demo_form(runtime.uow_factory, trial_id)
    click.echo(f"consent: demo form {'published' if made else 'already there'} for {trial_id}")
