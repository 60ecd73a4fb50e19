"""Errors of the public SPARQL endpoint (members of the one error family)."""

from __future__ import annotations

from interlink_kg.errors import (
    BadRequestError,
    InterlinkKGError,
    UnprocessableError,
)


class ResultTooLargeError(UnprocessableError):
    code = "result_too_large"


class QueryTimeoutError(InterlinkKGError):
    code = "query_timeout"
    status = 503


class EndpointBusyError(InterlinkKGError):
    code = "endpoint_busy"
    status = 503
    retry_after = 2


class QueryCrashedError(InterlinkKGError):
    """The worker process died under the query (typically the memory cap)."""

    code = "query_too_expensive"
    status = 503


class PublishedDataUnavailableError(InterlinkKGError):
    """No query process could load the published data (too large for its memory cap, or too
    slow to load): the operator must act; the client may try again later."""

    code = "published_data_unavailable"
    status = 503
    retry_after = 30


class QueryFailedError(InterlinkKGError):
    code = "query_failed"
    status = 500


class QueryNotEvaluableError(BadRequestError):
    """The engine parsed the query but cannot evaluate it (an unknown function, say)."""

    code = "query_not_evaluable"
