"""A sending process's lease: while it is live, reconciliation leaves that sender's
attempts alone, since their calls may still be running. Renewed by a thread of its own;
a sender that dies stops renewing, and its attempts become reconcilable when it expires."""

from __future__ import annotations

import os
import socket
import uuid
from threading import Event, Thread

from sqlalchemy import Engine, delete, insert, update

from services.messaging.adapters.db_clock import database_now
from services.messaging.adapters.orm import sender_leases
from shared.logs import get_logger

log = get_logger(__name__)


class SenderLease:
    def __init__(self, engine: Engine, ttl: float) -> None:
        self.engine = engine
        self.ttl = ttl
        self.id = uuid.uuid4()
        self.name = f"{socket.gethostname()}:{os.getpid()}"[:200]
        self._stop = Event()
        self._thread: Thread | None = None

    def renew(self) -> None:
        with self.engine.begin() as conn:
            expires = database_now(conn) + self.ttl
            table = sender_leases
            done = conn.execute(
                update(table).where(table.c.id == self.id).values(expires=expires)
            ).rowcount
            if not done:
                conn.execute(insert(table).values(id=self.id, name=self.name, expires=expires))

    def start(self) -> None:
        """Take the lease, then renew it every quarter of its life on a thread."""
        self.renew()
        self._thread = Thread(target=self._keep, name="sender-lease", daemon=True)
        self._thread.start()

    def _keep(self) -> None:
        while not self._stop.wait(self.ttl / 4):
            try:
                self.renew()
            except Exception:  # database away: try again; the lease lapses if it stays away
                log.warning("sender_lease_not_renewed", exc_info=True)

    def release(self) -> None:
        """Once every call has ended: nothing of ours is in flight any more."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
        with self.engine.begin() as conn:
            conn.execute(delete(sender_leases).where(sender_leases.c.id == self.id))
