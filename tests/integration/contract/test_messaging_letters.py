"""The letters port's contract (migration 0016): a cascade step and try has one letter, the
fake refusing a second as the table's unique key does; a batch's letters carry no step."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from sqlalchemy.exc import IntegrityError

from services.messaging.domain.letters import Letter
from services.messaging.service_layer.ports import MessagingUnitOfWork

pytestmark = pytest.mark.integration

New = Callable[[], MessagingUnitOfWork]


def test_a_cascade_step_has_one_letter_and_a_batch_any_number(messaging: New) -> None:
    batch_id, trial_id, run_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()

    def a_letter(step: tuple[uuid.UUID, int, int] | None) -> Letter:
        made = Letter(uuid.uuid4(), batch_id, uuid.uuid4(), trial_id, "ur")
        if step is not None:
            made.cascade_run_id, made.cascade_step, made.cascade_attempt = step
        return made

    with messaging() as uow:  # a batch's letters carry no step: any number of them
        uow.letters.add_all([a_letter(None), a_letter(None), a_letter((run_id, 2, 1))])
        uow.letters.add_all([a_letter((run_id, 2, 2))])  # the step's second try
        uow.commit()
    with pytest.raises((ValueError, IntegrityError)), messaging() as uow:
        uow.letters.add_all([a_letter((run_id, 2, 1))])  # the same step and try again
        uow.commit()
