"""Uploaded files that people attach (申诉材料, 佐证材料, 附件): the one way to accept, store and hand them out.

- ``check_upload(name, data, types=DOCUMENT_TYPES, max_bytes=…)`` → (clean name, content type):
  only the allowed extensions, *and* content that matches the extension (PDF ``%PDF-``, PNG,
  JPEG, the ZIP container of .docx/.xlsx/.ofd holding its expected part) — a renamed .html,
  .svg or .exe is refused whatever its name; else :class:`UploadRefused` with the reason.
- ``private_storage()``: files live outside MEDIA_ROOT (``KAOHE_PRIVATE_ROOT``, default
  ``$KAOHE_VAR_DIR/private``), so no static route can ever serve them.
- ``download(field_file, filename, content_type)``: the authorised view's answer — always a
  download (``Content-Disposition: attachment``), ``X-Content-Type-Options: nosniff``, a
  sandboxing CSP, ``Cache-Control: private, no-store``. The view checks scope and permission
  first (``get_visible_or_404`` + ``require``).
- ``delete_files(paths)`` / ``stored_files_cleaned(names, storage)``: files written for a
  transaction that rolls back, or of rows deleted, are removed (no orphans, no leftovers).
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterable
from pathlib import PurePath

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.http import FileResponse

DOCUMENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}
MAX_BYTES = 20 * 1024 * 1024
_ZIP_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}


class UploadRefused(ValueError):
    """The file is not accepted; ``reason`` (Chinese) and ``reason_en`` say why."""

    def __init__(self, reason: str, reason_en: str):
        self.reason, self.reason_en = reason, reason_en
        super().__init__(reason)


def content_matches(ext: str, data: bytes) -> bool:
    if ext == "pdf":
        return data.startswith(b"%PDF-")
    if ext == "png":
        return data.startswith(b"\x89PNG\r\n\x1a\n")
    if ext in ("jpg", "jpeg"):
        return data.startswith(b"\xff\xd8\xff")
    if ext in _ZIP_PART:
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                return _ZIP_PART[ext] in z.namelist()
        except zipfile.BadZipFile:
            return False
    return False


def clean_name(name: str) -> str:
    return PurePath((name or "").replace("\\", "/")).name.strip()[:200] or "file"


def check_upload(name: str, data: bytes, types: dict[str, str] | None = None,
                 max_bytes: int = MAX_BYTES) -> tuple[str, str]:
    """(clean file name, content type) of an acceptable file; else :class:`UploadRefused`."""
    types = DOCUMENT_TYPES if types is None else types
    clean = clean_name(name)
    ext = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    allowed = "、".join(sorted(types))
    if ext not in types:
        raise UploadRefused(f"不接受该类型的文件（{clean}），允许：{allowed}",
                            f"file type not accepted ({clean}); allowed: {', '.join(sorted(types))}")
    if len(data) > max_bytes:
        mb = max_bytes / 1024 / 1024
        raise UploadRefused(f"文件 {clean} 超过 {mb:.0f} MB", f"file {clean} is larger than {mb:.0f} MB")
    if not data or not content_matches(ext, data):
        raise UploadRefused(f"文件 {clean} 的内容与扩展名不符", f"the content of {clean} does not match its extension")
    return clean, types[ext]


class PrivateStorage(FileSystemStorage):
    """Files under ``KAOHE_PRIVATE_ROOT`` (read at each use, so a changed setting applies)."""

    @property
    def base_location(self):
        return str(settings.KAOHE_PRIVATE_ROOT)

    @property
    def location(self):
        import os

        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None  # no URL: only an authorised view hands the file out


def private_storage() -> FileSystemStorage:
    """Storage outside MEDIA_ROOT: never served as a static file, only by an authorised view."""
    return PrivateStorage()


def download(field_file, filename: str, content_type: str = "application/octet-stream") -> FileResponse:
    """The file as a download: never rendered inline, never sniffed into HTML."""
    resp = FileResponse(field_file.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp["Cache-Control"] = "private, no-store"
    return resp


def delete_files(storage, names: Iterable[str]) -> None:
    """Remove stored files (best effort: a file already gone is fine)."""
    for name in names:
        if name:
            try:
                storage.delete(name)
            except OSError:
                pass


def move_out_of_media(names: Iterable[str], storage: FileSystemStorage | None = None) -> int:
    """Move files stored under MEDIA_ROOT before they had private storage into ``storage`` (private by
    default), keeping their names, so none is left where a web server serves MEDIA. A name already in
    private storage is left alone (its MEDIA copy removed); a name in neither is skipped. Returns how
    many were moved."""
    import os
    import shutil
    from pathlib import Path

    storage = storage or private_storage()
    media = Path(settings.MEDIA_ROOT).resolve()
    moved = 0
    for name in sorted(set(filter(None, names))):
        source = (media / name).resolve()
        if media not in source.parents or not source.is_file():
            continue
        target = Path(storage.path(name))
        if target.exists():
            source.unlink()
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".moving")
        shutil.copy2(source, partial)  # copy whole, rename into place, then delete: a crash leaves two copies, never none
        os.replace(partial, target)
        source.unlink()
        moved += 1
    return moved
