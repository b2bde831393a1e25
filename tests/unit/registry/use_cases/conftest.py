import pytest

from tests.support.fakes.registry import FakeRegistryUnitOfWork
from tests.support.fakes.registry_world import a_registry


@pytest.fixture
def uow() -> FakeRegistryUnitOfWork:
    """Two practices, nothing else."""
    return a_registry()
