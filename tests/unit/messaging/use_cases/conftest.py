import pytest

from tests.support.fakes.messaging import FakeMessagingUnitOfWork
from tests.support.fakes.messaging_world import with_shipped_templates


@pytest.fixture
def uow() -> FakeMessagingUnitOfWork:
    return with_shipped_templates(FakeMessagingUnitOfWork())
