"""A form the services refused: the problem, placed next to the fields it is about."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from services.console.adapters.api_client import ApiProblem
from services.console.domain.form_errors import FormErrors, place

# What a person can put right by changing the form; anything else is an error page.
CORRECTABLE = (400, 409, 422)


def refused(problem: ApiProblem, form_fields: Iterable[str] | Mapping[str, str]) -> FormErrors:
    """The problem's errors by field, or re-raise a problem the form cannot fix."""
    if problem.status not in CORRECTABLE:
        raise problem
    errors = problem.errors or [{"field": "_", "reason": problem.detail or problem.title}]
    return place(errors, form_fields)
