"""Uniform JSON error bodies (Vietnamese + English) and the FastAPI handlers that emit them."""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from pydantic import BaseModel
from starlette.exceptions import HTTPException as StarletteHTTPException

log = logging.getLogger("planbot.api")

# status → (code, Vietnamese message, English message)
MESSAGES: dict[int, tuple[str, str, str]] = {
    400: ("bad_request", "Yêu cầu không hợp lệ.", "Bad request."),
    401: (
        "unauthorized",
        "Thiếu hoặc sai khóa API (header X-API-Key).",
        "Missing or invalid API key (X-API-Key header).",
    ),
    403: ("forbidden", "Không được phép.", "Forbidden."),
    404: ("not_found", "Không tìm thấy.", "Not found."),
    405: ("method_not_allowed", "Phương thức không được hỗ trợ.", "Method not allowed."),
    413: (
        "payload_too_large",
        "Nội dung yêu cầu quá lớn.",
        "Request body too large.",
    ),
    415: ("unsupported_media_type", "Định dạng không được hỗ trợ.", "Unsupported media type."),
    422: ("invalid_request", "Dữ liệu gửi lên không hợp lệ.", "Invalid request data."),
    429: (
        "rate_limited",
        "Quá nhiều yêu cầu, vui lòng thử lại sau.",
        "Too many requests, please retry later.",
    ),
    500: ("internal_error", "Lỗi hệ thống, vui lòng thử lại.", "Internal error, please retry."),
    503: (
        "not_ready",
        "Hệ thống chưa sẵn sàng (chưa nạp chỉ mục), vui lòng thử lại sau.",
        "Service not ready (knowledge base not loaded), please retry later.",
    ),
}


MALFORMED_JSON = ("JSON không hợp lệ.", "Malformed JSON body.")
BODY_PARSE_ERROR = "There was an error parsing the body"  # FastAPI's 400 for unreadable bodies


class ErrorBody(BaseModel):
    """Every non-2xx JSON response: a stable code plus Vietnamese and English text."""

    error: str
    message: str
    message_en: str
    details: list[dict[str, Any]] | None = None


class ApiError(StarletteHTTPException):
    """HTTP error with explicit Vietnamese/English messages (e.g. 413 from the body limit)."""

    def __init__(
        self,
        status_code: int,
        message: str | None = None,
        message_en: str | None = None,
        headers: dict[str, str] | None = None,
        details: list[dict[str, Any]] | None = None,
    ) -> None:
        super().__init__(status_code=status_code, headers=headers)
        _code, vi, en = MESSAGES.get(status_code, MESSAGES[400])
        self.message = message or vi
        self.message_en = message_en or en
        self.details = details


def error_response(
    status: int,
    message: str | None = None,
    message_en: str | None = None,
    headers: dict[str, str] | None = None,
    details: list[dict[str, Any]] | None = None,
) -> JSONResponse:
    """Build the JSON error response for `status`."""
    code, vi, en = MESSAGES.get(status, ("error", "Lỗi.", "Error."))
    body = ErrorBody(
        error=code, message=message or vi, message_en=message_en or en, details=details
    )
    return JSONResponse(
        jsonable_encoder(body, exclude_none=True), status_code=status, headers=headers
    )


def _validation_details(exc: RequestValidationError) -> list[dict[str, Any]]:
    """Field errors without echoing the submitted input (it may be huge or sensitive)."""
    out = []
    for err in exc.errors():
        item: dict[str, Any] = {
            "loc": [str(p) for p in err.get("loc", ())],
            "type": str(err.get("type", "")),
            "msg": str(err.get("msg", "")),
        }
        ctx = err.get("ctx") or {}
        if isinstance(ctx.get("max_length"), int):
            item["max_length"] = ctx["max_length"]
        out.append(item)
    return out


def _validation_messages(details: list[dict[str, Any]]) -> tuple[str, str]:
    """Say precisely what is wrong for the common cases: bad JSON, long or empty question."""
    types = {d["type"] for d in details}
    fields = {d["loc"][-1] if d["loc"] else "" for d in details}
    if "json_invalid" in types:
        return MALFORMED_JSON
    if "question" in fields and "string_too_long" in types:
        limit = next((d["max_length"] for d in details if "max_length" in d), None)
        if limit is not None:
            return (
                f"Câu hỏi quá dài (tối đa {limit} ký tự), vui lòng rút gọn.",
                f"Question is too long (at most {limit} characters).",
            )
        return ("Câu hỏi quá dài, vui lòng rút gọn.", "Question is too long.")
    if "question" in fields:
        return (
            'Cần trường "question" là một câu hỏi không rỗng.',
            'A non-empty "question" string is required.',
        )
    return MESSAGES[422][1], MESSAGES[422][2]


def install_error_handlers(app: FastAPI) -> None:
    """Route every error (HTTP, validation, unexpected) to a JSON `ErrorBody`."""

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if isinstance(exc, ApiError):
            return error_response(
                exc.status_code, exc.message, exc.message_en, exc.headers, exc.details
            )
        if exc.status_code == 400 and exc.detail == BODY_PARSE_ERROR:
            # undecodable bytes: the same answer as any other malformed JSON
            return error_response(422, *MALFORMED_JSON)
        return error_response(exc.status_code, headers=getattr(exc, "headers", None))

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        details = _validation_details(exc)
        vi, en = _validation_messages(details)
        return error_response(422, vi, en, details=details)

    @app.exception_handler(Exception)
    async def _unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unhandled error on %s %s", request.method, request.url.path)
        return error_response(500)
