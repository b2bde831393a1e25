"""Registry commands: the shared ones plus tokens and practices."""

from __future__ import annotations

import uuid
from pathlib import Path

import click

from services.registry.bootstrap import build_runtime
from services.registry.config import load_settings
from services.registry.entrypoints import demo
from services.registry.service_layer import practices, tokens
from services.registry.service_layer.unit_of_work import SqlRegistryUnitOfWork
from shared.auth.principal import ROLE_NAMES, TRIAL_SCOPED
from shared.cli import configured, service_cli


def _uow() -> SqlRegistryUnitOfWork:
    uow = build_runtime(configured("registry", load_settings)).uow_factory()
    assert isinstance(uow, SqlRegistryUnitOfWork)
    return uow


cli = service_cli("registry", load_settings, build_runtime)


@cli.command("create-token", help="Issue an API token; it is printed once and stored hashed.")
@click.option("--name", required=True, help="Who holds it, e.g. 'Dr A Khan, M85001'.")
@click.option("--role", required=True, type=click.Choice(list(ROLE_NAMES)))
@click.option("--practice", "practices_", multiple=True, help="ODS code (staff); repeatable.")
@click.option("--trial", "trials", multiple=True, type=click.UUID, help="Trial id; repeatable.")
@click.option(
    "--valid-days",
    default=365,
    show_default=True,
    type=click.IntRange(1, tokens.MAX_VALID_DAYS),
    help=f"Days until it expires, 1 to {tokens.MAX_VALID_DAYS}; every token expires.",
)
def create_token(
    name: str,
    role: str,
    practices_: tuple[str, ...],
    trials: tuple[uuid.UUID, ...],
    valid_days: int,
) -> None:
    if role == "staff" and not practices_:
        raise click.UsageError("a staff token needs at least one --practice")
    if role in TRIAL_SCOPED and not trials:
        raise click.UsageError(f"a {role} token needs at least one --trial")
    issued = tokens.issue_token(_uow(), name, role, practices_, trials, valid_days)
    click.echo(f"token id: {issued.id}", err=True)
    click.echo(issued.token)


@cli.command("revoke-token", help="Revoke an API token by its id.")
@click.argument("token_id", type=click.UUID)
def revoke_token(token_id: uuid.UUID) -> None:
    tokens.revoke(_uow(), token_id)
    click.echo(f"revoked {token_id}")


@cli.command("create-practice", help="Add a GP practice.")
@click.option("--ods-code", required=True)
@click.option("--name", required=True)
def create_practice(ods_code: str, name: str) -> None:
    practice = practices.create_practice(_uow(), ods_code, name)
    click.echo(f"practice {practice.ods_code} created")


@cli.command("demo-data", help="Add the local run's demo practice, trial, patients and tokens.")
@click.option("--welcome", "welcome_file", type=click.Path(path_type=Path), required=True)
def demo_data(welcome_file: Path) -> None:
    settings = configured("registry", load_settings)
    runtime = build_runtime(settings)
    state = welcome_file.parent / "demo.json"
    made = demo.load_demo(runtime.uow_factory, settings.dob_hash_key, state)
    welcome_file.write_text(demo.welcome(made))
