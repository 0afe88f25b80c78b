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
4. An open-data county's ArcGIS layer URL and Socrata domain must parse as URLs: the document states their
   shape as a pattern, but no pattern states a port up to 65535 or a host that is not a malformed IPv4
   address. A valid case with such a value is dropped; negative cases are kept.
"""

import ipaddress
from urllib.parse import urlsplit

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


def _unparseable_url(value):
    if not isinstance(value, str):
        return False
    try:
        parts = urlsplit(value if "://" in value else "https://" + value)
        parts.port  # raises ValueError past 65535
    except ValueError:
        return True
    host = parts.hostname or ""
    if host == "":
        return True
    # A host whose last label is a number is read as an IPv4 address: it must be one.
    if host.rsplit(".", 1)[-1].isdigit():
        try:
            ipaddress.IPv4Address(host)
        except ValueError:
            return True
    return False


def _unparseable_source(body):
    for source in (body, body.get("source")):
        if isinstance(source, dict) and (_unparseable_url(source.get("layer_url")) or _unparseable_url(source.get("domain"))):
            return True
    return False


@schemathesis.hook
def filter_case(context, case):
    if (case.method.upper(), case.operation.path) == SELF_TEST:
        return not _self_test_accepts(case)
    if case.meta is None or case.meta.generation.mode != GenerationMode.POSITIVE:
        return True
    if isinstance(case.query, dict) and "cursor" in case.query:
        return False
    body = case.body if isinstance(case.body, dict) else {}
    if _unparseable_source(body):
        return False
    return not (_reversed(case.query) or _reversed(body) or _reversed(body.get("parameters")))
