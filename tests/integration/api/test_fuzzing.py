"""Every operation of every service, fuzzed by schemathesis from its own /openapi.json, as
each kind of caller: every check schemathesis has, and never a server error.

Kept to a few minutes for CI: a few valid and a few invalid requests per operation,
derandomized, so a run is repeatable and a finding is reproduced by running it again.
Every operation is tried even when one fails, and the test lists each finding.
"""

from __future__ import annotations

import os
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.config import SchemathesisConfig
from schemathesis.core.result import Ok

from tests.integration.api.conftest import World

pytestmark = pytest.mark.integration

ROLES = ("staff_a", "coordinator_x", "researcher_x", "admin", "no_token")
EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "6"))  # more for a deeper run by hand
# Every check, as schemathesis configures it, with one addition: a request that fits the
# schema may still break a rule JSON Schema cannot state (an NHS number's check digit, a
# language or time zone we know, a coordinator token needs a trial, a consent form needs a
# mandatory item), and that refusal is a 422 naming the field, which is right.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {
                "expected-statuses": ["2xx", "3xx", "401", "403", "404", "409", "422", "429"]
            }
        }
    }
)


@pytest.mark.parametrize("service", ["registry", "messaging", "consent"])
def test_no_operation_fails_any_check_for_any_caller(
    service: str, request: pytest.FixtureRequest
) -> None:
    world: World = request.getfixturevalue(f"{service}_world")
    schema = schemathesis.openapi.from_wsgi("/openapi.json", world.service.app, config=CONFIG)
    findings: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        assert isinstance(result, Ok), result.err()
        operation = result.ok()
        operations += 1
        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            try:
                _fuzz(operation, mode, world)
            except (
                Exception,
                BaseExceptionGroup,
            ) as error:  # every operation is tried; all findings are listed
                findings.append(f"{operation.label} ({mode}): {_describe(error)}")
    assert operations > 5, "the schema lists the service's operations"
    for finding in findings:
        print(finding, end="\n\n")  # all of them, in the captured output of a failure
    assert not findings, f"{len(findings)} operations failed a check: the first is {findings[0]}"


def _fuzz(operation: Any, mode: GenerationMode, world: World) -> None:
    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    def each_caller(case: Any) -> None:
        for role in ROLES:
            case.call_and_validate(headers=world.headers(role))

    each_caller()


def _describe(error: BaseException) -> str:
    """schemathesis's own report (what failed and a curl line to reproduce it), or the error."""
    return f"{type(error).__name__}: {error}"
