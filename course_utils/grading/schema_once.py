"""nbgrader's check of the cells' nbgrader metadata, with its JSON schema checked once.

nbgrader's CheckCellMetadata runs twice per submission (before and after the run) and
validates every cell's ``nbgrader`` metadata with ``jsonschema.validate``, which checks the
schema itself against JSON Schema's meta-schema and builds a new validator every time:
about a fifth of nbgrader's own time per submission. Inside :func:`schema_checked_once`,
nbgrader's ``jsonschema.validate`` is :func:`validate`: the same validation of the same
metadata with the same errors, the schema checked and its validator built once per schema.
"""

from __future__ import annotations

import contextlib
import json
import types

import jsonschema

_VALIDATORS: dict[str, jsonschema.protocols.Validator] = {}


def validate(instance, schema, cls=None, *args, **kwargs) -> None:
    """``jsonschema.validate``, remembering the checked schema's validator."""
    key = json.dumps([schema, cls and f"{cls.__module__}.{cls.__qualname__}", args, kwargs],
                     sort_keys=True, default=repr)
    validator = _VALIDATORS.get(key)
    if validator is None:
        cls = cls or jsonschema.validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _VALIDATORS[key] = cls(schema, *args, **kwargs)
    error = jsonschema.exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error


@contextlib.contextmanager
def schema_checked_once():
    """nbgrader's metadata checks use :func:`validate` inside this block."""
    from nbgrader.nbgraderformat import common

    real = common.jsonschema
    common.jsonschema = types.SimpleNamespace(validate=validate)
    try:
        yield
    finally:
        common.jsonschema = real
