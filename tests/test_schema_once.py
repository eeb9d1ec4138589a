"""course_utils.grading.schema_once: nbgrader's metadata check with its schema checked once
finds what jsonschema.validate finds, and is nbgrader's only inside the block."""

import jsonschema
import pytest
from nbformat.v4 import new_code_cell, new_notebook
from nbgrader.nbgraderformat import MetadataValidator, common
from nbgrader.preprocessors import CheckCellMetadata

from course_utils.grading.schema_once import schema_checked_once, validate

GOOD = {"grade": True, "grade_id": "t1", "locked": True, "points": 2, "schema_version": 3,
        "solution": False, "task": False}
BAD = [dict(GOOD, points="two"), dict(GOOD, grade="yes"), dict(GOOD, locked=None)]


def error(check, metadata, schema):
    try:
        check(metadata, schema)
    except jsonschema.ValidationError as err:
        return err.message, list(err.path), err.validator
    return None


@pytest.mark.parametrize("metadata", [GOOD, *BAD])
def test_the_same_errors_as_jsonschema_validate(metadata):
    schema = MetadataValidator().schema
    for _ in range(2):                  # the second time with the remembered validator
        assert error(validate, metadata, schema) == error(jsonschema.validate, metadata, schema)
    assert (error(validate, metadata, schema) is None) == (metadata is GOOD)


def test_nbgrader_uses_it_only_inside_the_block_and_still_refuses_bad_metadata():
    nb = new_notebook(cells=[new_code_cell("x = 1", metadata={"nbgrader": dict(BAD[0])})])
    with schema_checked_once():
        assert common.jsonschema.validate is validate
        with pytest.raises(Exception, match="metadata may be corrupted"):
            CheckCellMetadata().preprocess(nb, {})
    assert common.jsonschema is jsonschema
