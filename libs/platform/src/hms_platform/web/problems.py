"""Every error answer as `application/problem+json` (RFC 9457), mapped in one place."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Mapping
from http import HTTPStatus
from typing import Any, cast

import structlog
from fastapi.exceptions import RequestValidationError
from sqlalchemy.exc import DBAPIError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from hms_platform.domain_errors import CATEGORIES, DomainError
from hms_platform.errors import PlatformError, Unprocessable

log = structlog.get_logger(__name__)
Handler = Callable[[Request, Exception], Awaitable[Response]]

PROBLEM_JSON = "application/problem+json"


def _phrase(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Error"


def problem_response(
    status: int,
    title: str,
    detail: str,
    type_: str = "about:blank",
    instance: str | None = None,
    headers: Mapping[str, str] | None = None,
    **extra: Any,
) -> JSONResponse:
    """A problem details response; `extra` members go into the body (RFC 9457 section 3.2)."""
    body: dict[str, Any] = dict(extra)
    # The standard members win over extensions of the same name.
    body.update(type=type_, title=title, status=status, detail=detail)
    if instance is not None:
        body["instance"] = instance
    return JSONResponse(
        body, status_code=status, headers=dict(headers or {}), media_type=PROBLEM_JSON
    )


async def _platform_error(request: Request, exc: Exception) -> Response:
    error = cast(PlatformError, exc)
    extra: dict[str, Any] = dict(error.extra)
    headers = extra.pop("headers", None)
    return problem_response(
        error.status, error.title, error.detail, error.type, headers=headers, **extra
    )


def _domain_problem(exc: Exception, status: int) -> Response:
    extra = getattr(exc, "problem_extra", None)
    extra = dict(extra) if isinstance(extra, Mapping) else {}
    headers = extra.pop("headers", None)
    title = getattr(exc, "problem_title", None) or _phrase(status)
    type_ = getattr(exc, "problem_type", None) or "about:blank"
    return problem_response(status, title, str(exc) or _phrase(status), type_, headers=headers,
                            **extra)


async def _domain_error(request: Request, exc: Exception) -> Response:
    if not isinstance(exc, CATEGORIES):
        # Raised without a category: a bug, not an answer; logged, and nothing said about it.
        return await unexpected_error(request, exc)
    return _domain_problem(exc, cast(DomainError, exc).status)


def _mapped_error_handler(mapping: Mapping[type[Exception], int]) -> Handler:
    async def handle(request: Request, exc: Exception) -> Response:
        # The nearest mapped ancestor decides, so a subclass inherits its parent's status.
        status = next(mapping[cls] for cls in type(exc).__mro__ if cls in mapping)
        return _domain_problem(exc, status)

    return handle


async def _validation_error(request: Request, exc: Exception) -> Response:
    # Only where and why: the rejected input is never echoed, since passwords get posted.
    errors = [
        {"loc": list(err.get("loc", ())), "msg": str(err.get("msg", "")), "type": err.get("type")}
        for err in cast(RequestValidationError, exc).errors()
    ]
    return problem_response(
        Unprocessable.status,
        Unprocessable.title,
        "The request is not valid.",
        Unprocessable.type,
        errors=errors,
    )


async def _http_exception(request: Request, exc: Exception) -> Response:
    error = cast(HTTPException, exc)
    phrase = _phrase(error.status_code)
    detail = error.detail if isinstance(error.detail, str) and error.detail else phrase
    return problem_response(error.status_code, phrase, detail, headers=error.headers)


async def unexpected_error(request: Request, exc: Exception) -> Response:
    """Log the exception (a plain, masked traceback: hms_platform.logging) and answer a generic
    500 that says nothing about it. A request that waited too long for a pooled database
    connection is overload, and one whose connection died with a database restart met a
    transient failure: both 503 with Retry-After, logged without a traceback."""
    if isinstance(exc, PoolTimeout):
        log.warning("overloaded", reason="database pool exhausted", method=request.method,
                    path=request.url.path)
        return problem_response(503, _phrase(503), "The service is busy. Try again shortly.",
                                headers={"Retry-After": "1"}, retry_after=1)
    if isinstance(exc, DBAPIError) and exc.connection_invalidated:
        # A pooled connection found dead (Postgres restarted): the pool is renewed; retry.
        log.warning("database_connection_lost", method=request.method, path=request.url.path)
        return problem_response(503, _phrase(503), "The database connection was lost. Retry.",
                                headers={"Retry-After": "1"}, retry_after=1)
    log.exception("unhandled_exception", exc_info=exc, method=request.method, path=request.url.path)
    return problem_response(500, _phrase(500), "An unexpected error occurred.")


def install_problem_handlers(
    app: Starlette, mapping: Mapping[type[Exception], int] | None = None
) -> None:
    """Register problem+json handlers on `app`.

    A service's domain errors derive from :mod:`hms_platform.domain_errors` and answer with
    their category's status (a subclass inherits its parent's); the body's detail is
    `str(exc)`, `problem_extra` adds members (its `headers` entry becomes response headers,
    e.g. Retry-After), and `problem_type` and `problem_title` name the problem (else
    `about:blank` with the status's phrase as its title). `mapping` gives statuses to other
    exceptions the same way; the services need none.
    Anything unforeseen becomes a logged, generic 500 without a traceback.
    """
    app.add_exception_handler(PlatformError, _platform_error)
    app.add_exception_handler(DomainError, _domain_error)
    if mapping:
        handler = _mapped_error_handler(dict(mapping))
        for exc_class in mapping:
            app.add_exception_handler(exc_class, handler)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(HTTPException, _http_exception)
    app.add_exception_handler(Exception, unexpected_error)
