"""诉求附件: accepted only of the allowed types (by extension *and* by content), stored outside MEDIA,
and handed out only as a download (``Content-Disposition: attachment``, ``nosniff``).

The content check reads the first bytes: PDF ``%PDF-``, PNG, JPEG, and the ZIP container of
.docx/.xlsx/.ofd holding its expected part. A renamed .html or .exe is refused, whatever its name.
"""

from __future__ import annotations

import hashlib
import io
import zipfile
from pathlib import PurePath

from django.core.files.base import ContentFile
from django.http import FileResponse
from django.utils.translation import gettext as _

from kaohe.audit.models import AuditAction
from kaohe.audit.services import record
from kaohe.enterprise import config
from kaohe.enterprise.models import EnterpriseRequest, RequestAttachment

_ZIP_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml", "ofd": "OFD.xml"}


class AttachmentRefused(ValueError):
    pass


def _content_matches(ext: str, data: bytes) -> bool:
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


def check(name: str, data: bytes) -> tuple[str, str]:
    """(clean file name, content type) of an acceptable file; else :class:`AttachmentRefused`."""
    types = config.get("attachment_types")
    clean = PurePath(name.replace("\\", "/")).name.strip()[:200] or "file"
    ext = clean.rsplit(".", 1)[-1].lower() if "." in clean else ""
    if ext not in types:
        raise AttachmentRefused(_("不接受该类型的附件（%(name)s），允许：%(types)s") % {
            "name": clean, "types": "、".join(sorted(types))})
    limit = config.get("attachment_max_mb")
    if len(data) > limit * 1024 * 1024:
        raise AttachmentRefused(_("附件 %(name)s 超过 %(mb)s MB") % {"name": clean, "mb": limit})
    if not data or not _content_matches(ext, data):
        raise AttachmentRefused(_("附件 %(name)s 的内容与扩展名不符") % {"name": clean})
    return clean, types[ext]


def add(req: EnterpriseRequest, name: str, data: bytes, *, user=None) -> RequestAttachment:
    clean, ctype = check(name, data)
    digest = hashlib.sha256(data).hexdigest()
    att = RequestAttachment(request=req, name=clean, content_type=ctype, size=len(data), sha256=digest,
                            uploaded_by=user if getattr(user, "is_authenticated", False) else None)
    att.file.save(f"{digest[:16]}.{clean.rsplit('.', 1)[-1].lower()}", ContentFile(data), save=False)
    att.save()
    record(AuditAction.CREATE, att, parent=req, unit=req.enterprise.unit_id, user=user,
           after={"name": clean, "size": len(data), "sha256": digest})
    return att


def response(att: RequestAttachment) -> FileResponse:
    """The file as a download: never rendered inline, never sniffed into HTML."""
    resp = FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name, content_type=att.content_type)
    resp["X-Content-Type-Options"] = "nosniff"
    resp["Content-Security-Policy"] = "default-src 'none'; sandbox"
    resp["Cache-Control"] = "private, no-store"
    return resp
