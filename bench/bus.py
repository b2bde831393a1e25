"""Bus benchmark: outbox commit to handled-by-consumer, beside raw kombu, in one run.

    python -m bench.bus [--events 20000] [--rate 1000] [--seconds 10]

Needs the local RabbitMQ and PostgreSQL; creates and drops its own database, queues and
exchange, and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import multiprocessing
import threading
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from kombu import Connection, Consumer, Exchange, Producer, Queue
from sqlalchemy import Column, DateTime, Engine, Table, Uuid, func, insert, select

from bench.common import RABBITMQ_URL, print_table, scratch_database, summary_ms
from shared.bus.connection import connect
from shared.bus.relay import OutboxRelay
from shared.bus.topology import Topology
from shared.bus.worker import BusWorker
from shared.config import BusSettings
from shared.db.engine import make_engine, make_session_factory
from shared.db.tables import new_metadata
from shared.db.unit_of_work import SqlUnitOfWork
from shared.events import Event
from shared.logs import configure

EVENT = "registry.participant.erased"
metadata, platform = new_metadata()
handled = Table(
    "handled",
    metadata,
    Column("event_id", Uuid, primary_key=True),
    Column("occurred_at", DateTime(timezone=True), nullable=False),
    Column("handled_at", DateTime(timezone=True), nullable=False),
)


def raw_kombu(count: int, namespace: str) -> dict[str, float]:
    """Publish with confirms to a quorum queue and consume with acks: no database."""
    exchange = Exchange(f"{namespace}-raw", type="topic", durable=True)
    queue = Queue(
        f"{namespace}-raw",
        exchange,
        routing_key="#",
        durable=True,
        queue_arguments={"x-queue-type": "quorum"},
    )
    body = f'{{"id":"{uuid.uuid4()}","type":"x","data":{{"participant_id":"{uuid.uuid4()}"}}}}'
    received = 0
    done = threading.Event()
    with Connection(RABBITMQ_URL, transport_options={"confirm_publish": True}) as conn:
        channel = conn.channel()
        queue(channel).declare()

        def consume() -> None:
            nonlocal received
            with Connection(RABBITMQ_URL) as consumer_conn:

                def on_message(message: Any) -> None:
                    nonlocal received
                    message.ack()
                    received += 1
                    if received >= count:
                        done.set()

                with Consumer(consumer_conn, [queue], on_message=on_message, prefetch_count=50):
                    while not done.is_set():
                        try:
                            consumer_conn.drain_events(timeout=1)
                        except TimeoutError:
                            continue

        consumer = threading.Thread(target=consume, daemon=True)
        started = time.perf_counter()
        consumer.start()
        producer = Producer(channel, exchange=exchange)
        for _ in range(count):
            producer.publish(
                body,
                routing_key="x",
                content_type="application/json",
                content_encoding="utf-8",
                delivery_mode=2,
            )
        published = time.perf_counter() - started
        done.wait(timeout=300)
        total = time.perf_counter() - started
        queue(channel).delete()
        exchange(channel).delete()
    return {"publish_per_s": count / published, "end_to_end_per_s": count / total}


class Pipeline:
    """Our path: outbox commit -> relay (confirms) -> queue -> worker (inbox + effect)."""

    def __init__(self, database_url: str, namespace: str) -> None:
        self.engine: Engine = make_engine(database_url, pool_size=5)
        metadata.create_all(self.engine, checkfirst=True)
        self.bus = BusSettings(
            broker_url=RABBITMQ_URL,
            namespace=namespace,
            data_dir=Path("/tmp"),
            retry_delays=(1.0,),
            outbox_batch_size=500,
            outbox_poll_interval=0.01,
            prefetch=50,
        )
        self.topology = Topology(
            self.bus.retry_delays,
            rabbitmq=True,
            namespace=namespace,
            subscriptions={"bench": (EVENT,)},
        )
        self.url = database_url
        self.sessions = make_session_factory(self.engine)
        self.stop_flag: Any = None
        self.processes: list[Any] = []

    def uow(self) -> SqlUnitOfWork:
        return SqlUnitOfWork(self.sessions, platform, "bench")

    def emit(self) -> None:
        with self.uow() as uow:
            uow.publish(EVENT, {"participant_id": uuid.uuid4()})
            uow.commit()

    def handle(self, event: Event, uow: SqlUnitOfWork) -> None:
        with uow:
            uow.session.execute(
                insert(handled).values(
                    event_id=event.id,
                    occurred_at=event.occurred_at,
                    handled_at=datetime.now(UTC),
                )
            )
            uow.commit()

    def start(self, workers: int = 1) -> None:
        """The relay and the workers run as their own processes, as they do in production."""
        with connect(self.bus) as conn:
            self.topology.declare(conn.channel())
        context = multiprocessing.get_context("spawn")
        self.stop_flag = context.Event()
        roles = ["relay"] + ["worker"] * workers
        self.processes = [
            context.Process(target=_run, args=(role, self.url, self.bus, self.stop_flag))
            for role in roles
        ]
        for process in self.processes:
            process.start()

    def handled_count(self) -> int:
        with self.engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(handled)).scalar() or 0)

    def wait_for(self, count: int, timeout: float = 600) -> None:
        deadline = time.monotonic() + timeout
        while self.handled_count() < count:
            if time.monotonic() > deadline:
                raise SystemExit(f"only {self.handled_count()} of {count} handled in time")
            time.sleep(0.02)

    def latencies(self, since: datetime) -> list[float]:
        with self.engine.connect() as conn:
            rows = conn.execute(
                select(handled.c.occurred_at, handled.c.handled_at).where(
                    handled.c.occurred_at >= since
                )
            ).all()
        return [(row.handled_at - row.occurred_at).total_seconds() for row in rows]

    def close(self) -> None:
        if self.stop_flag is not None:
            self.stop_flag.set()
        for process in self.processes:
            process.join(timeout=20)
            if process.is_alive():
                process.kill()
        with connect(self.bus) as conn:
            channel = conn.channel()
            for queue in self.topology.all_queues():
                queue(channel).delete()
            self.topology.exchange(channel).delete()
        self.engine.dispose()


def _run(role: str, url: str, bus: BusSettings, stop: Any) -> None:
    """A relay or worker process; it stops when the parent sets `stop`."""
    configure("bench", "WARNING")
    pipeline = Pipeline(url, bus.namespace)
    if role == "relay":
        relay = OutboxRelay(
            pipeline.engine,
            platform,
            connect(bus, confirm_each=False),
            pipeline.topology,
            batch_size=bus.outbox_batch_size,
            poll_interval=bus.outbox_poll_interval,
        )
        relay.run_forever(stop)
        return
    worker = BusWorker(
        "bench",
        {EVENT: pipeline.handle},
        pipeline.uow,
        connect(bus),
        pipeline.topology,
        prefetch=bus.prefetch,
    )

    def watch() -> None:
        stop.wait()
        worker.should_stop = True

    threading.Thread(target=watch, daemon=True).start()
    worker.run()


def _produce(url: str, namespace: str, rate: float, seconds: float, done: Any) -> None:
    """One producer process committing events at a steady rate, as a web worker would."""
    pipeline = Pipeline(url, namespace)
    started = time.perf_counter()
    total = int(rate * seconds)
    for index in range(total):
        pause = started + index / rate - time.perf_counter()
        if pause > 0:
            time.sleep(pause)
        pipeline.emit()
    done.put(total / (time.perf_counter() - started))


def paced(pipeline: Pipeline, rate: int, seconds: float, producers: int) -> tuple[datetime, float]:
    """Commit events at `rate` from several processes while the relay and workers run."""
    context = multiprocessing.get_context("spawn")
    done = context.Queue()
    since = datetime.now(UTC)
    processes = [
        context.Process(
            target=_produce,
            args=(pipeline.url, pipeline.bus.namespace, rate / producers, seconds, done),
        )
        for _ in range(producers)
    ]
    for process in processes:
        process.start()
    achieved = sum(done.get(timeout=seconds * 10 + 60) for _ in processes)
    for process in processes:
        process.join()
    return since, achieved


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--events", type=int, default=20000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--producers", type=int, default=4, help="processes committing events")
    parser.add_argument("--workers", type=int, default=1, help="bus worker processes")
    args = parser.parse_args()
    configure("bench", "WARNING")
    namespace = f"bench-{uuid.uuid4().hex[:8]}"

    print(f"raw kombu: {args.events} messages, publisher confirms, quorum queue")
    raw = raw_kombu(args.events, namespace)

    with scratch_database("bus") as url:
        pipeline = Pipeline(url, namespace)
        try:
            started = time.perf_counter()
            for _ in range(args.events):
                pipeline.emit()
            commit_rate = args.events / (time.perf_counter() - started)
            started = time.perf_counter()
            pipeline.start(args.workers)
            pipeline.wait_for(args.events)
            ours = args.events / (time.perf_counter() - started)
            since, achieved = paced(pipeline, args.rate, args.seconds, args.producers)
            pipeline.wait_for(args.events + int(args.rate * args.seconds))
            latencies = pipeline.latencies(since)
        finally:
            pipeline.close()

    print("\nresults")
    print_table(
        [
            ("raw kombu publish (confirms)", f"{raw['publish_per_s']:,.0f} msg/s"),
            ("raw kombu publish+consume", f"{raw['end_to_end_per_s']:,.0f} msg/s"),
            ("outbox commits (1 tx/event)", f"{commit_rate:,.0f} events/s"),
            ("relay -> worker (inbox + effect)", f"{ours:,.0f} events/s"),
            ("ratio ours / raw end-to-end", f"{ours / raw['end_to_end_per_s']:.2f}"),
            (f"paced at {args.rate}/s (achieved)", f"{achieved:,.0f} events/s"),
            ("latency commit -> handled", summary_ms(latencies)),
        ]
    )


if __name__ == "__main__":
    main()
