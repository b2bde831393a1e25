"""The embedded bus writes each message whole before any reader can see it."""

from __future__ import annotations

import json
from pathlib import Path

from kombu import Exchange, Queue

from shared.bus.connection import connect
from shared.config import BusSettings


def test_a_message_appears_complete_and_round_trips(tmp_path: Path) -> None:
    settings = BusSettings(
        broker_url="filesystem://",
        namespace="t",
        data_dir=tmp_path,
        retry_delays=(1.0,),
        outbox_batch_size=10,
        outbox_poll_interval=0.01,
        prefetch=10,
    )
    exchange = Exchange("t", type="topic")
    queue = Queue("t.q", exchange, routing_key="#")
    with connect(settings) as conn:
        producer = conn.Producer()
        producer.publish({"hello": "world"}, exchange=exchange, routing_key="a.b", declare=[queue])
        files = sorted(p.name for p in tmp_path.iterdir() if p.is_file())
        received = queue(conn.default_channel).get()

    assert len(files) == 1 and files[0].endswith(".t.q.msg")
    assert not any(name.endswith(".partial") for name in files)
    assert received is not None and json.loads(received.body) == {"hello": "world"}
