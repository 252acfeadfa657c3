"""An upload handler that stops keeping an uploaded file once it passes INGEST_MAX_UPLOAD_BYTES.

Django otherwise writes a file of any size to its temporary directory before the form
can refuse it. Past the limit the rest is read and dropped, and the form gets a stand-in
that carries only the name and the real size, so it says the file is too large.
"""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import FileUploadHandler


class OversizedUpload(UploadedFile):
    """What is left of a file that was too large: its name and size, no content."""

    def __init__(self, name: str, size: int, content_type: str | None):
        import io

        super().__init__(io.BytesIO(), name=name, content_type=content_type, size=size)


class UploadLimitHandler(FileUploadHandler):
    """First in FILE_UPLOAD_HANDLERS: passes chunks on to Django's own handlers while the file
    is within the limit, and swallows them after."""

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.too_large = False

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        if self.too_large or start + len(raw_data) > settings.INGEST_MAX_UPLOAD_BYTES:
            self.too_large = True
            return None  # the handlers after this one never see it
        return raw_data

    def file_complete(self, file_size: int):
        if self.too_large:
            return OversizedUpload(self.file_name, file_size, self.content_type)
        return None  # let Django's handlers return the file
