"""Who subscribes to what, and the exchanges and queues that follow from it.

Every process declares the whole topology at start, so an event published before a
consumer first runs still lands in its queue (on RabbitMQ and on the filesystem).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from kombu import Exchange, Queue, binding
from kombu.transport.virtual import Channel

# What a service keeping its own copy of the registry's patients, trials and API tokens
# hears (messaging and consent; their handlers: shared.bus.registry_copy).
REGISTRY_COPY = (
    "registry.participant.registered",
    "registry.participant.updated",
    "registry.participant.erased",
    "registry.trial.created",
    "registry.invitations.requested",
    "registry.token.issued",
    "registry.token.revoked",
)

SUBSCRIPTIONS: Mapping[str, tuple[str, ...]] = {
    "registry": (
        "consent.status.changed",
        "messaging.participant.opted_out",
        "messaging.participant.opted_in",
        "messaging.batch.cancelled",
    ),
    "messaging": (
        *REGISTRY_COPY,
        "consent.notification.requested",
        "consent.callback.requested",
    ),
    "consent": (
        *REGISTRY_COPY,
        "messaging.reply.received",
        "messaging.participant.opted_out",
        "messaging.batch.cancelled",
        "messaging.message.status_changed",  # reach by channel (issue 17)
        "registry.population.counted",
        "messaging.letter.requested",
        "consent.links.requested",
    ),
}


# The only events a service consumes from itself: large work split into chunks that are
# handled (and retried) one at a time. Anything else a service emits is for the others.
OWN_WORK = frozenset({"consent.links.requested"})

DEAD_LETTER_DELIVERY_LIMIT = 1_000_000


@dataclass(frozen=True)
class ConsumerQueues:
    main: Queue
    retries: tuple[Queue, ...]  # one per delay on RabbitMQ; one shared queue on the filesystem
    dead: Queue


class Topology:
    def __init__(
        self,
        retry_delays: tuple[float, ...],
        *,
        rabbitmq: bool,
        namespace: str = "trialreach",
        subscriptions: Mapping[str, tuple[str, ...]] = SUBSCRIPTIONS,
    ) -> None:
        self.namespace = namespace
        self.retry_delays = retry_delays
        self.rabbitmq = rabbitmq
        self.subscriptions = subscriptions
        self.exchange = Exchange(namespace, type="topic", durable=True)
        self.consumers = {name: self._queues(name, keys) for name, keys in subscriptions.items()}

    def queue_name(self, consumer: str) -> str:
        return f"{self.namespace}.{consumer}"

    def _queues(self, consumer: str, routing_keys: tuple[str, ...]) -> ConsumerQueues:
        main_name = self.queue_name(consumer)
        dead_name = f"{main_name}.dead"
        main = Queue(
            main_name,
            bindings=[binding(self.exchange, routing_key=key) for key in routing_keys],
            durable=True,
            # A message that keeps killing the worker is dead-lettered by the broker
            # once it hits the quorum queue's delivery limit, never dropped.
            queue_arguments=self._quorum(dead_letter_to=dead_name),
        )
        if self.rabbitmq:
            # One queue per delay, filled in time order; the worker moves each retry back to
            # main when its x-retry-at has passed (decision 0003). No TTL and no broker
            # dead-lettering: RabbitMQ 3.10 stranded retries in that move when a node was lost.
            retries = tuple(
                Queue(
                    f"{main_name}.retry.{int(delay * 1000)}ms",
                    durable=True,
                    queue_arguments=self._parked(),
                )
                for delay in self.retry_delays
            )
        else:
            retries = (Queue(f"{main_name}.retry", durable=True),)
        # Quorum like the others, so the dead letters survive the loss of a node (a
        # classic queue lives on one node: with it down, every declare of the topology
        # fails and the whole bus stops). Nothing dead-letters out of it.
        dead = Queue(dead_name, durable=True, queue_arguments=self._parked())
        return ConsumerQueues(main=main, retries=retries, dead=dead)

    def _parked(self) -> dict[str, object]:
        """Where messages wait for the worker or for a person. Both take a message without
        acknowledging it and may return it (a retry held until due, a letter listed), so the
        delivery limit is out of reach (RabbitMQ 4 has a default of 20; -1 means "drop at
        once" on 3.x, hence a large number)."""
        if not self.rabbitmq:
            return {}
        return {"x-queue-type": "quorum", "x-delivery-limit": DEAD_LETTER_DELIVERY_LIMIT}

    def _quorum(self, dead_letter_to: str) -> dict[str, object]:
        if not self.rabbitmq:
            return {}
        return {
            "x-queue-type": "quorum",
            "x-dead-letter-exchange": "",
            "x-dead-letter-routing-key": dead_letter_to,
            "x-dead-letter-strategy": "at-least-once",
            "x-overflow": "reject-publish",
        }

    def all_queues(self) -> list[Queue]:
        return [
            queue
            for queues in self.consumers.values()
            for queue in (queues.main, *queues.retries, queues.dead)
        ]

    def declare(self, channel: Channel) -> None:
        self.exchange(channel).declare()
        for queue in self.all_queues():
            queue(channel).declare()
