from services.registry.entrypoints.cli import cli

cli()
