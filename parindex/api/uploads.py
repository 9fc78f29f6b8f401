"""Files sent to the API (``multipart/form-data``), read under a size limit.

The limit is installed before anything reads the request body, as the pages do
(``evidence.uploads.SizeLimitUploadHandler``): an oversized file is dropped unread instead of
filling the temporary directory. The endpoints that take a file therefore declare their body in
the OpenAPI schema (:func:`multipart`) rather than as parameters, which would be parsed before
the endpoint runs.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParserError

from parindex.evidence.uploads import SizeLimitUploadHandler


@dataclass
class Received:
    file: UploadedFile[bytes] | None
    fields: dict[str, str]
    too_large: bool


def receive(request: HttpRequest, limit: int, name: str = "file") -> Received:
    """The file sent as ``name`` (None when absent, or dropped for being over ``limit``) and
    the form's text fields."""
    limiter = SizeLimitUploadHandler(request, limit)
    request.upload_handlers.insert(0, limiter)
    try:
        files, data = request.FILES, request.POST
    except MultiPartParserError:
        return Received(None, {}, False)
    upload = files.get(name)
    return Received(upload, {k: data.get(k, "") for k in data}, bool(limiter.skipped))


def multipart(description: str, **fields: str) -> dict[str, Any]:
    """The OpenAPI request body of an upload: ``file`` and the text ``fields`` named."""
    properties: dict[str, Any] = {
        "file": {"type": "string", "format": "binary", "description": description}
    }
    properties |= {name: {"type": "string", "description": text} for name, text in fields.items()}
    return {
        "requestBody": {
            "required": True,
            "content": {
                "multipart/form-data": {
                    "schema": {"type": "object", "properties": properties, "required": ["file"]}
                }
            },
        }
    }
