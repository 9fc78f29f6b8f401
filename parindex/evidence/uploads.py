"""An upload handler that stops reading a file once it passes the evidence size limit.

Django writes uploads larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file and has no
cap of its own; without this handler a huge upload would fill the temporary directory before the
service could refuse it. The reverse proxy should cap request bodies as well.
"""

from __future__ import annotations

from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest


class SizeLimitUploadHandler(FileUploadHandler):
    """Skips (discards) any file larger than ``limit`` bytes and remembers that it did."""

    def __init__(self, request: HttpRequest, limit: int) -> None:
        super().__init__(request)
        self.limit = limit
        self.skipped: list[str] = []

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if start + len(raw_data) > self.limit:
            self.skipped.append(self.field_name or "")
            raise SkipFile
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None  # the next handler builds the file
