from services.messaging.entrypoints.cli import cli

cli()
