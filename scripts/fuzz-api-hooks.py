"""schemathesis hooks for scripts/fuzz-api: the rules of the API that its
OpenAPI document states in words because JSON Schema cannot state them.

A JSON Schema describes each parameter, and each field of a body, on its
own: it cannot compare one value with another, nor know which postcodes
the server's directory holds. A generator that follows the document alone
therefore sends requests the server refuses by these rules, each stated in
its operation's description. Instead of letting the server's refusal pass
(which would hide any other refusal of the same status), these hooks make
each generated request follow the rules, so every schema-valid request
must still be accepted. Nothing else about a request is changed.
"""

import os

import schemathesis

KNOWN_POSTCODE = os.environ.get("FUZZ_KNOWN_POSTCODE", "")


def _swap_if_reversed(container, low, high):
    """Puts `low` and `high` in order when both are present and reversed."""
    if not isinstance(container, dict):
        return
    a, b = container.get(low), container.get(high)
    if a is None or b is None:
        return
    try:
        reversed_ = a > b
    except TypeError:
        return
    if reversed_:
        container[low], container[high] = b, a


@schemathesis.hook
def before_call(ctx, case, **kwargs):
    path = case.operation.path
    method = case.operation.method.lower()
    if path in ("/api/v1/timebank/areas", "/api/v1/timebank/members/{id}/statement"):
        # A period's `from` is not after its `to`: both are YYYY-MM-DD, so
        # comparing the text compares the dates.
        _swap_if_reversed(case.query, "from", "to")
    elif path in ("/api/v1/services", "/api/v1/services/{id}"):
        # A service's `minimum_age` is not above its `maximum_age`.
        _swap_if_reversed(case.body, "minimum_age", "maximum_age")
        # PUT: an `id` in the body is the one in the address.
        if method == "put" and isinstance(case.body, dict) and "id" in case.body:
            case.body["id"] = case.path_parameters["id"]
    elif path == "/api/hsds/service_at_locations" and isinstance(case.query, dict):
        # `postcode` is one the postcode directory holds, and `proximity`
        # comes with a postcode.
        if case.query.get("postcode") is not None or case.query.get("proximity") is not None:
            case.query["postcode"] = KNOWN_POSTCODE
