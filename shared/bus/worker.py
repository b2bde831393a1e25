"""The bus worker: hands each event to its handler once, retries, and dead-letters.

- An event whose id is in the inbox was handled already: acknowledged, nothing done.
- A handler's effects and the inbox row commit together; the message is acknowledged
  only after that commit. Events that arrive together are handled in one transaction
  (up to batch_size, waiting at most batch_wait); if any of them fails, the batch is
  rolled back and each event is handled on its own, so one bad event holds up no other.
- A failing handler is retried after growing delays; after the last retry, and at once
  for a malformed event, the message goes to the consumer's dead-letter queue. The
  copy is published before the original is acknowledged, so nothing is lost.
- A retry waits in a queue until its `x-retry-at`; the worker moves it back to the main
  queue when due (decision 0003). The broker's TTL and dead-lettering did this before:
  RabbitMQ 3.10 left retries in that move, unseen, when a node was lost.
"""

from __future__ import annotations

import time
import traceback
import uuid
from collections.abc import Callable, Mapping
from typing import Any

from kombu import Connection, Consumer, Message, Producer
from kombu.mixins import ConsumerMixin

from shared import correlation
from shared.bus.connection import KeepAlive
from shared.bus.topology import ConsumerQueues, Topology
from shared.db.unit_of_work import SqlUnitOfWork
from shared.events import Event, MalformedEvent, decode
from shared.logs import get_logger, mask_digits

log = get_logger(__name__)

Handler = Callable[[Event, Any], None]
ATTEMPTS = "x-attempts"
RETRY_AT = "x-retry-at"
ERROR = "x-error"
CONFIRM_TIMEOUT = 10.0  # seconds to wait for the broker to confirm a retry or dead letter
# Seconds with nothing delivered after which an idle worker asks whether messages wait.
STALL_AFTER = 15.0


class NotFed(ConnectionResetError):
    """Messages wait in the queue but none reach this worker: consume again."""


def _attempts(message: Message) -> int:
    return int((message.headers or {}).get(ATTEMPTS, 0))


class BusWorker(ConsumerMixin):
    def __init__(
        self,
        consumer: str,
        handlers: Mapping[str, Handler],
        uow_factory: Callable[[], SqlUnitOfWork],
        connection: Connection,
        topology: Topology,
        *,
        prefetch: int = 50,
        batch_size: int = 50,
        batch_wait: float = 0.01,
    ) -> None:
        self.consumer = consumer
        self.handlers = handlers
        self.uow_factory = uow_factory
        self.connection = connection
        self.topology = topology
        self.queues: ConsumerQueues = topology.consumers[consumer]
        self.prefetch = prefetch
        self.batch_size = min(batch_size, prefetch)
        self.batch_wait = batch_wait
        self._batch: list[tuple[Event, Message]] = []
        self._batch_started = 0.0
        self.producer: Producer | None = None
        self._publishing: Connection | None = None
        self._keep_alive: KeepAlive | None = None
        self._next_pump = 0.0
        # RabbitMQ: per retry queue, its head taken and held until due. Each queue holds one
        # delay, filled in time order, so nothing behind the head is due before it.
        self.held: dict[str, Message] = {}
        self._fed_at = time.monotonic()  # the last delivery or batch handled
        self._on_probation = False  # connected, and not fed yet
        self._consuming_again = False
        self.handled = 0

    # kombu's ConsumerMixin calls these
    def get_consumers(self, consumer_cls: Callable[..., Consumer], channel: Any) -> list[Consumer]:
        self.topology.declare(channel)
        if self._publishing is None:
            # Retries and dead letters go out on a connection of their own. Waiting for a
            # confirm on the consuming connection reads the deliveries that arrive
            # meanwhile and runs on_message inside on_message, which deadlocks when two
            # such waits overlap. It is idle for long spells: on_iteration keeps its
            # heartbeats going, and a publish on it that fails reconnects and retries.
            self._open_publishing()
        return [
            consumer_cls(
                queues=[self.queues.main],
                on_message=self.on_message,
                prefetch_count=self.prefetch,
                accept=["application/json"],
            )
        ]

    def _open_publishing(self, replace: bool = False) -> None:
        self.held.clear()  # the broker returns them when their connection closes
        if replace and self._publishing is not None:
            self._publishing.collect()  # no goodbye on a dead socket
        self._publishing = self.connection.clone()
        self._keep_alive = KeepAlive(self._publishing)
        self.producer = Producer(self._publishing)

    def on_iteration(self) -> None:
        if self._batch and time.monotonic() - self._batch_started >= self.batch_wait:
            self.flush()
        if self._keep_alive is not None:
            try:
                self._keep_alive.tick()
            except Exception as exc:  # dead: start again on a new one
                log.warning("bus_publishing_connection_lost", error=str(exc))
                self._open_publishing(replace=True)
        if time.monotonic() >= self._next_pump:
            try:
                self.pump_due_retries()
            except Exception as exc:  # what it held goes back to the queue with the connection
                log.warning("bus_retry_move_failed", error=str(exc) or type(exc).__name__)
                self._open_publishing(replace=True)
            self._next_pump = time.monotonic() + 0.25
        self._check_fed()

    def on_connection_revived(self) -> None:
        # A connection we opened to consume again is not put on probation once more.
        self._on_probation, self._consuming_again = not self._consuming_again, False
        self._fed_at = time.monotonic()

    def _check_fed(self) -> None:
        """A guard (decision 0017): a consumer registered while a quorum queue has no leader
        (a node just lost) could stay registered and never be fed, holding what is sent to
        it. A worker not fed within STALL_AFTER of connecting consumes again once, on a new
        connection, which gives what it held back to the queue; and an idle worker asks the
        queue, at most every STALL_AFTER seconds, whether messages wait, and if so consumes
        again too."""
        now = time.monotonic()
        if not self.topology.rabbitmq or self._batch or now - self._fed_at < STALL_AFTER:
            return
        self._fed_at = now
        waiting = 0 if self._on_probation else self._waiting()
        if self._on_probation or waiting:
            log.warning(
                "bus_consumer_not_fed",
                queue=self.queues.main.name,
                waiting=waiting,
                since_connecting=self._on_probation,
            )
            self._on_probation, self._consuming_again = False, True
            raise NotFed(f"nothing delivered to this worker from {self.queues.main.name}")

    def _waiting(self) -> int:
        if self._publishing is None:
            return 0
        try:
            declared = self._publishing.default_channel.queue_declare(
                queue=self.queues.main.name, passive=True
            )
        except Exception as exc:  # the keep-alive replaces a dead connection
            log.warning("bus_queue_check_failed", error=str(exc) or type(exc).__name__)
            return 0
        return int(declared.message_count)

    def on_connection_error(self, exc: Exception, interval: float) -> None:
        self._batch.clear()  # unacknowledged: the broker delivers them again
        log.warning("bus_connection_lost", error=str(exc), retry_in=interval)

    def run(self, _tokens: int = 1, **kwargs: Any) -> None:
        # Wake often enough to flush a part-filled batch within batch_wait.
        try:
            super().run(_tokens, safety_interval=self.batch_wait, **kwargs)  # type: ignore[no-untyped-call]
        finally:
            if self._publishing is not None:
                self._publishing.release()
            self._publishing = self.producer = self._keep_alive = None

    # the work
    def on_message(self, message: Message) -> None:
        try:
            event = decode(message.body)
        except (MalformedEvent, RecursionError) as exc:  # json.loads on absurd nesting
            log.error("event_malformed", consumer=self.consumer, error=mask_digits(str(exc)))
            self._dead_letter(message, f"malformed: {exc}", _attempts(message))
            message.ack()
            return
        self._fed_at, self._on_probation = time.monotonic(), False
        if not self._batch:
            self._batch_started = time.monotonic()
        self._batch.append((event, message))
        if len(self._batch) >= self.batch_size:
            self.flush()

    def flush(self) -> None:
        """Handle the batch in one transaction; if anything fails, one event at a time."""
        batch, self._batch = self._batch, []
        if not batch:
            return
        try:
            self._handle(batch)
        finally:
            self._fed_at = time.monotonic()  # a slow batch is not a worker left unfed

    def _handle(self, batch: list[tuple[Event, Message]]) -> None:
        if len(batch) > 1:
            try:
                self._process_together([event for event, _ in batch])
            except Exception:  # a failing handler: find it by handling each on its own
                log.info("batch_failed_retrying_one_by_one", size=len(batch))
            else:
                for _, message in batch:
                    message.ack()
                self.handled += len(batch)
                return
        for event, message in batch:
            correlation.use(event.correlation_id)
            try:
                self.process(event)
            except Exception as exc:
                self._after_failure(message, event, _attempts(message), exc)
            message.ack()
            self.handled += 1

    def process(self, event: Event) -> None:
        """Run the handler once for this event id, in one transaction with the inbox row."""
        self._process_together([event])

    def _process_together(self, events: list[Event]) -> None:
        uow = self.uow_factory()
        with uow, uow.deferring_commits():
            for event in events:
                correlation.use(event.correlation_id)
                if not uow.claim(self.consumer, event):
                    log.info("event_duplicate_skipped", event_id=str(event.id), type=event.type)
                    continue
                handler = self.handlers.get(event.type)
                if handler is not None:
                    handler(event, uow)
                log.info("event_handled", event_id=str(event.id), type=event.type)
        # deferring_commits commits once, for every event, when the block ends cleanly

    def _after_failure(self, message: Message, event: Event, attempts: int, exc: Exception) -> None:
        reason = f"{type(exc).__name__}: {mask_digits(str(exc))}"
        delays = self.topology.retry_delays
        if attempts < len(delays):
            log.warning(
                "event_failed_will_retry",
                event_id=str(event.id),
                type=event.type,
                attempt=attempts + 1,
                error=reason,
            )  # no traceback: a retry is routine; the last try (below) logs one
            self._schedule_retry(message, attempts + 1, delays[attempts], reason)
        else:
            log.error(
                "event_dead_lettered",
                event_id=str(event.id),
                type=event.type,
                attempts=attempts + 1,
                error=reason,
                exc_info=exc,
            )
            tb = mask_digits("".join(traceback.format_exception(exc))[-2000:])
            # The reason first: a listing shows the head of x-error, and a traceback's
            # head is only "Traceback (most recent call last)".
            self._dead_letter(message, f"{reason}\n{tb}", attempts)

    def _republish(self, message: Message, queue_name: str, headers: dict[str, Any]) -> None:
        assert self.producer is not None
        self.producer.publish(
            message.body,
            exchange="",
            routing_key=queue_name,
            content_type=message.content_type,
            content_encoding=message.content_encoding,
            headers={**(message.headers or {}), **headers},
            delivery_mode=2,
            retry=True,
            confirm_timeout=CONFIRM_TIMEOUT,
        )

    def _schedule_retry(self, message: Message, attempt: int, delay: float, reason: str) -> None:
        queue = self.queues.retries[attempt - 1 if self.topology.rabbitmq else 0]
        headers = {ATTEMPTS: attempt, ERROR: reason, RETRY_AT: time.time() + delay}
        self._republish(message, queue.name, headers)

    def _dead_letter(self, message: Message, reason: str, attempts: int) -> None:
        self._republish(
            message,
            self.queues.dead.name,
            {ERROR: reason, ATTEMPTS: attempts, "x-dead-at": time.time()},
        )

    def pump_due_retries(self, limit: int = 500) -> int:
        """Move retries that are due back to the main queue; returns how many moved.

        Each is confirmed by the broker in the main queue before it leaves its retry queue,
        so a crash between the two leaves a copy in both, which the inbox absorbs.
        """
        if self.topology.rabbitmq:
            return self._move_due_heads(limit)
        return self._pump_filesystem(limit)

    def _due(self, message: Message) -> bool:
        return float((message.headers or {}).get(RETRY_AT, 0)) <= time.time()

    def _move_due_heads(self, limit: int) -> int:
        """RabbitMQ: one queue per delay. A head not yet due is held unacknowledged (it goes
        back to the queue if this worker dies); what waits behind it is due later still."""
        assert self.producer is not None
        moved = 0
        for queue in self.queues.retries:
            while moved < limit:
                message = self.held.pop(queue.name, None) or queue(self.producer.channel).get(
                    no_ack=False, accept=["application/json"]
                )
                if message is None:
                    break
                if not self._due(message):
                    self.held[queue.name] = message
                    break
                self._republish(message, self.queues.main.name, {})
                message.ack()
                moved += 1
        return moved

    def _pump_filesystem(self, limit: int) -> int:
        """Filesystem transport: one retry queue, with no way to hold a message back; each
        pass takes what is due and puts the rest back at the tail."""
        assert self.producer is not None
        retry_queue = self.queues.retries[0](self.producer.channel)
        seen: set[str] = set()
        moved = 0
        for _ in range(limit):
            message = retry_queue.get(no_ack=False, accept=["application/json"])
            if message is None:
                break
            headers = message.headers or {}
            marker = str(headers.get("x-pump-id", ""))
            if marker in seen:
                self._republish(message, self.queues.retries[0].name, {})
                message.ack()
                break
            if self._due(message):
                self._republish(message, self.queues.main.name, {})
                moved += 1
            else:
                marker = uuid.uuid4().hex
                seen.add(marker)
                self._republish(message, self.queues.retries[0].name, {"x-pump-id": marker})
            message.ack()
        return moved
