"""One way to open the bus, whether it is RabbitMQ or kombu's filesystem transport."""

from __future__ import annotations

import os
import uuid
from time import monotonic
from typing import Any

from kombu import Connection
from kombu.transport import filesystem
from kombu.utils.encoding import str_to_bytes
from kombu.utils.json import dumps

from shared.bus.topology import Topology
from shared.config import BusSettings


class _AtomicFilesystemChannel(filesystem.Channel):
    """kombu's filesystem channel, but a message file appears only once it is complete.

    kombu writes the message into its final name, so a consumer polling at that moment can
    take the file while it is still empty and fail decoding it; writing under another
    name and renaming (atomic on one filesystem) closes that window.
    """

    def _put(self, queue: Any, payload: Any, **kwargs: Any) -> None:  # type: ignore[override]
        name = f"{round(monotonic() * 1000)}_{uuid.uuid4()}.{queue}.msg"
        final = os.path.join(self.data_folder_out, name)
        partial = final + ".part"
        try:
            with open(partial, "wb") as file:
                file.write(str_to_bytes(dumps(payload)))
            os.replace(partial, final)
        except OSError as exc:
            raise filesystem.ChannelError(f"Cannot add file {final!r} to directory") from exc


class _AtomicFilesystemTransport(filesystem.Transport):
    Channel = _AtomicFilesystemChannel


def connect(settings: BusSettings, *, confirm_each: bool = True) -> Connection:
    """confirm_each: every publish waits for the broker's confirm (the relay batches its own)."""
    if settings.is_filesystem:
        folder = settings.data_dir
        (folder / "control").mkdir(parents=True, exist_ok=True)
        return Connection(
            hostname="localhost",
            transport=_AtomicFilesystemTransport,
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
