"""Commands every service has: migrate, worker, relay, dead letters."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from typing import Any, TypeVar

import click

from shared.bus import dead_letters
from shared.db.unit_of_work import SqlUnitOfWork
from shared.errors import DomainError
from shared.logs import configure
from shared.runtime import Runtime, run_relay, run_worker

S = TypeVar("S")


class Commands(click.Group):
    """A use case's refusal (an unknown id, bad input) ends the command with its reason on
    one line and exit code 1, as click's own errors do, not with a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as refused:
            raise click.ClickException(refused.detail) from None


def configured(service: str, load_settings: Callable[[], S]) -> S:
    """Read the settings (exiting with a clear message if wrong) and set up logging."""
    settings = load_settings()
    common: Any = getattr(settings, "common")  # noqa: B009 - every service's settings have it
    configure(service, common.log_level, common.log_format)
    return settings


def service_cli(
    name: str, load_settings: Callable[[], S], build_runtime: Callable[[S], Runtime[SqlUnitOfWork]]
) -> click.Group:
    def load_runtime() -> Runtime[SqlUnitOfWork]:
        return build_runtime(configured(name, load_settings))

    @click.group(name=name, cls=Commands, help=f"TrialReach {name} service")
    def cli() -> None:
        pass

    @cli.command(help="Apply the database migrations (Alembic); bring the bus's queues up to date.")
    def migrate() -> None:
        runtime = load_runtime()
        runtime.migrate()
        click.echo(f"{name}: database is up to date")
        for queue in runtime.migrate_bus():
            click.echo(f"{name}: queue {queue} moved to its current type and arguments")

    @cli.command(help="Consume this service's events from the bus.")
    def worker() -> None:
        run_worker(load_runtime())

    @cli.command(help="Publish committed events from the outbox to the bus.")
    def relay() -> None:
        run_relay(load_runtime())

    @cli.group(name="dead-letters", help="Events that failed every retry, or were malformed.")
    def dead() -> None:
        pass

    @dead.command(name="list", help="Show the dead letters (one JSON object per line).")
    def list_() -> None:
        runtime = load_runtime()
        found = dead_letters.list_dead_letters(runtime.connect(), runtime.topology, name)
        for letter in found:
            click.echo(json.dumps(asdict(letter)))
        click.echo(f"{len(found)} dead letter(s)", err=True)

    @dead.command(help="Send dead letters back to be handled again.")
    @click.option("--event-id", "event_ids", multiple=True, help="Only these events.")
    @click.option("--all", "replay_all", is_flag=True, help="Every dead letter.")
    def replay(event_ids: tuple[str, ...], replay_all: bool) -> None:
        if not event_ids and not replay_all:
            raise click.UsageError("name --event-id at least once, or pass --all")
        runtime = load_runtime()
        count = dead_letters.replay(
            runtime.connect(), runtime.topology, name, None if replay_all else set(event_ids)
        )
        click.echo(f"replayed {count} dead letter(s)")

    return cli
