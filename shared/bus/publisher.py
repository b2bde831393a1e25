"""Publishing a batch and waiting once for the broker to confirm all of it.

Waiting for each confirm in turn costs one broker round trip (and, on a quorum queue,
one disk sync) per event. Publishing the batch and then waiting lets the broker confirm
many at once. A negative or missing confirm fails the whole batch, which the relay then
sends again: consumers' inboxes absorb the duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import Any

from kombu import Connection, Producer

from shared.bus.topology import Topology

CONTENT = {"content_type": "application/json", "content_encoding": "utf-8"}


class PublishNotConfirmed(Exception):
    """The broker refused (nack) or did not confirm the batch in time."""


class BatchPublisher:
    def __init__(self, connection: Connection, topology: Topology, timeout: float = 30) -> None:
        self.connection = connection
        self.topology = topology
        self.timeout = timeout
        self.channel: Any = connection.channel()
        topology.declare(self.channel)
        # A connection made with confirm_publish already waits for each confirm itself.
        each_confirmed = bool((connection.transport_options or {}).get("confirm_publish"))
        self.confirms = topology.rabbitmq and not each_confirmed
        if self.confirms:
            self.channel.confirm_select()
            self.channel.events["basic_ack"].add(self._on_ack)
            self.channel.events["basic_nack"].add(self._on_nack)
        self.producer = Producer(self.channel, exchange=topology.exchange)
        self._sent = 0  # delivery tags count from 1 on a channel in confirm mode
        self._outstanding: set[int] = set()
        self._refused = False

    def _on_ack(self, delivery_tag: int, multiple: bool) -> None:
        self._settle(delivery_tag, multiple)

    def _on_nack(self, delivery_tag: int, multiple: bool, *_: Any) -> None:
        self._refused = True
        self._settle(delivery_tag, multiple)

    def _settle(self, tag: int, multiple: bool) -> None:
        if multiple:
            self._outstanding = {t for t in self._outstanding if t > tag}
        else:
            self._outstanding.discard(tag)

    def publish(self, events: Sequence[tuple[str, str]]) -> None:
        """Publish (routing key, JSON payload) pairs; return once all are confirmed."""
        if not self.confirms:
            for routing_key, payload in events:
                self.producer.publish(payload, routing_key=routing_key, **CONTENT)
            return
        self._refused = False
        for routing_key, payload in events:
            message = self.channel.prepare_message(
                payload, properties={"delivery_mode": 2}, **CONTENT
            )
            self.channel.basic_publish(
                message, exchange=self.topology.exchange.name, routing_key=routing_key
            )
            self._sent += 1
            self._outstanding.add(self._sent)
        deadline = time.monotonic() + self.timeout
        while self._outstanding:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise PublishNotConfirmed(f"{len(self._outstanding)} events not confirmed")
            try:
                self.connection.drain_events(timeout=min(remaining, 1.0))
            except TimeoutError:
                continue
        if self._refused:
            raise PublishNotConfirmed("the broker refused part of the batch")
