"""Schemathesis hooks of the API fuzz test (test/api/schema-fuzz.test.ts), loaded by schemathesis.toml.

1. A date window (`date_from`, `date_to`) must not end before it starts. The document says so in words,
   as JSON Schema cannot compare two fields; the generator cannot read words, so a valid (positive)
   case with the dates reversed is dropped here instead of being sent as valid. Negative cases are
   kept: the API must still refuse them.
2. `POST /api/platform/self-test` waits up to 60 s for a round trip through the workers, and the test
   runs none. Only requests the API must refuse reach it; one it would accept is dropped here.
3. A list's `cursor` is the `next_cursor` of a page of the same list, passed back unchanged: an opaque
   position the schema can only constrain to its alphabet. A valid case with a cursor the generator
   made up is dropped (the API rightly refuses it); negative cases are kept, and
   test/api/list-pagination.test.ts walks real cursors.
"""

import schemathesis
from schemathesis.core import NOT_SET
from schemathesis.generation import GenerationMode

SELF_TEST = ("POST", "/api/platform/self-test")
SELF_TEST_FIELDS = {"include_browser"}


def _reversed(window):
    if not isinstance(window, dict):
        return False
    start, end = window.get("date_from"), window.get("date_to")
    return isinstance(start, str) and isinstance(end, str) and start > end


def _self_test_accepts(case):
    """Whether the self-test would take this request: no body, or a JSON object of known booleans."""
    if case.body is NOT_SET:
        return True  # the body is optional
    if not isinstance(case.body, dict) or (case.media_type and "json" not in case.media_type):
        return False
    return set(case.body) <= SELF_TEST_FIELDS and all(isinstance(value, bool) for value in case.body.values())


@schemathesis.hook
def filter_case(context, case):
    if (case.method.upper(), case.operation.path) == SELF_TEST:
        return not _self_test_accepts(case)
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return True
    if isinstance(case.query, dict) and "cursor" in case.query:
        return False
    body = case.body if isinstance(case.body, dict) else {}
    return not (_reversed(case.query) or _reversed(body) or _reversed(body.get("parameters")))
