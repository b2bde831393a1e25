"""One way to open the bus, whether it is RabbitMQ or kombu's filesystem transport."""

from __future__ import annotations

from kombu import Connection

from shared.bus import filesystem
from shared.bus.topology import Topology
from shared.config import BusSettings


def connect(settings: BusSettings, *, confirm_each: bool = True) -> Connection:
    """confirm_each: every publish waits for the broker's confirm (the relay batches its own)."""
    if settings.is_filesystem:
        folder = settings.data_dir
        (folder / "control").mkdir(parents=True, exist_ok=True)
        return Connection(
            hostname="localhost",
            transport=filesystem.Transport,
            transport_options={
                "data_folder_in": str(folder),
                "data_folder_out": str(folder),
                "control_folder": str(folder / "control"),
                "polling_interval": 0.05,
            },
        )
    return Connection(
        settings.broker_url,
        heartbeat=30,
        # Each publish waits for the broker's confirm, so the outbox row is only marked
        # sent once the broker has the event.
        transport_options={"confirm_publish": confirm_each},
    )


def topology_for(settings: BusSettings) -> Topology:
    return Topology(
        settings.retry_delays, rabbitmq=not settings.is_filesystem, namespace=settings.namespace
    )
