"""The transactional outbox: an event leaves only after its commit, and only via the relay."""

from __future__ import annotations

import uuid

import pytest

from tests.integration.bus.conftest import EVENT, TinyService, platform

pytestmark = pytest.mark.integration


def test_an_event_in_a_rolled_back_transaction_is_never_published(service: TinyService) -> None:
    with service.runtime.uow_factory() as uow:
        uow.publish(EVENT, {"participant_id": uuid.uuid4()})
        uow.rollback()
    with service.runtime.uow_factory() as uow:
        uow.publish(EVENT, {"participant_id": uuid.uuid4()})
        # leaving the block without commit rolls back too

    assert service.relay().run_once() == 0
    assert service.unpublished() == 0
    assert service.queue_size() == 0


def test_a_committed_event_is_published_when_the_relay_runs_and_not_before(
    service: TinyService,
) -> None:
    [event_id] = service.emit()
    assert service.queue_size() == 0, "committing alone must not publish"
    assert service.unpublished() == 1

    assert service.relay().run_once() == 1

    assert service.unpublished() == 0
    [message] = service.take_all()
    assert message.decode()["id"] == str(event_id)
    assert message.decode()["type"] == EVENT
    assert service.relay().run_once() == 0, "a published row is not sent again"
    assert service.queue_size() == 0


def test_a_use_case_that_fails_after_publishing_leaves_no_event(service: TinyService) -> None:
    with pytest.raises(ZeroDivisionError), service.runtime.uow_factory() as uow:
        uow.publish(EVENT, {"participant_id": uuid.uuid4()})
        _ = 1 / 0
        uow.commit()

    assert service.relay().run_once() == 0
    assert service.queue_size() == 0


@pytest.mark.parametrize("transport", ["rabbitmq"])
def test_events_reach_the_queue_in_commit_order_across_relay_batches(
    service: TinyService,
) -> None:
    """On RabbitMQ only: kombu's filesystem transport orders files by millisecond."""
    ids = service.emit(23)
    with service.runtime.uow_factory() as uow:  # several events in one transaction
        ids += [uow.publish(EVENT, {"participant_id": uuid.uuid4()}).id for _ in range(7)]
        uow.commit()
    relay = service.relay(batch_size=8)

    assert [relay.run_once() for _ in range(5)] == [8, 8, 8, 6, 0]

    assert [m.decode()["id"] for m in service.take_all()] == [str(i) for i in ids]


def test_every_event_of_a_batch_arrives_on_either_transport(service: TinyService) -> None:
    ids = service.emit(30)

    assert service.relay(batch_size=7).run_once() == 7
    assert service.relay(batch_size=100).run_once() == 23

    assert sorted(m.decode()["id"] for m in service.take_all()) == sorted(str(i) for i in ids)
    with service.engine.connect() as conn:
        published = conn.execute(platform.outbox.select()).all()
    assert len(published) == 30
    assert all(row.published_at is not None for row in published)
