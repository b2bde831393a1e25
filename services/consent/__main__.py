from services.consent.entrypoints.cli import cli

cli()
