"""Reading uploads, for the evidence store and the apps' import forms.

``SizeLimitUploadHandler`` stops reading a file once it passes the evidence size limit. Django
writes uploads larger than ``FILE_UPLOAD_MAX_MEMORY_SIZE`` to a temporary file and has no cap of
its own; without this handler a huge upload would fill the temporary directory before the
service could refuse it. The reverse proxy should cap request bodies as well.

``TextFileForm`` reads a small text file to import (a questionnaire, a CSV table) as UTF-8.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

TEXT_MAX_BYTES = 2 * 1024 * 1024


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


def upload_view(
    limit: Callable[[], int],
) -> Callable[[Callable[..., HttpResponse]], Callable[..., HttpResponse]]:
    """Decorate a view that receives files: a ``SizeLimitUploadHandler`` of ``limit()`` bytes is
    installed before anything reads the body, so the CSRF check (which reads it) runs inside, not
    in the middleware. The view gets the handler as its ``limiter`` keyword argument."""

    def decorate(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
        protected = csrf_protect(view)

        @wraps(view)
        def receive(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            limiter = SizeLimitUploadHandler(request, limit())
            request.upload_handlers.insert(0, limiter)
            return protected(request, *args, limiter=limiter, **kwargs)

        return csrf_exempt(receive)

    return decorate


class TextFileForm(forms.Form):
    """A form whose ``file`` (declared by the subclass, with its label) is a text file of at
    most 2 MB in UTF-8; once the form is valid, ``text`` holds its content."""

    text: str

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > TEXT_MAX_BYTES:
            raise forms.ValidationError(_("The file is larger than 2 MB."))
        try:
            self.text = upload.read().decode("utf-8")
        except UnicodeDecodeError:
            raise forms.ValidationError(_("The file is not UTF-8 text.")) from None
        return upload
