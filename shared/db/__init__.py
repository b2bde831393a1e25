"""Database engine, platform tables (outbox, inbox, tokens), unit of work, migrations."""
