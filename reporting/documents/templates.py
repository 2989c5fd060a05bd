"""The council's Word template: checking an upload before it is used, and putting one in use."""
import io
import zipfile

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from docx import Document

MAX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
HINT = "Save it in Word as “Word Document (.docx)” and upload it again."


def check_template(content, filename=""):
    """Refuse a file that is not a safe, readable Word document (raises ValidationError)."""
    limit = settings.MAX_UPLOAD_BYTES
    if not content:
        raise ValidationError("The file is empty. Choose the council's Word template (.docx).")
    if len(content) > limit:
        raise ValidationError(f"The file is {len(content) / 1024 / 1024:.1f} MB: it must be smaller than "
                              f"{limit / 1024 / 1024:.0f} MB.")
    if filename and not filename.lower().endswith(".docx"):
        raise ValidationError(f"“{filename[:80]}” is not a .docx file. {HINT}")
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as zf:
            entries = zf.infolist()
            if "word/document.xml" not in {e.filename for e in entries}:
                raise ValidationError(f"The file is not a Word document (.docx). {HINT}")
            if sum(e.file_size for e in entries) > MAX_UNCOMPRESSED_BYTES or len(entries) > 1000:
                raise ValidationError("The file expands to more than a Word template can be: it has not been opened.")
            for e in entries:
                if e.flag_bits & 0x1:
                    raise ValidationError("The file is encrypted: remove the password and upload it again.")
                if e.filename.endswith((".xml", ".rels")):
                    head = zf.read(e.filename).upper()
                    if b"<!DOCTYPE" in head or b"<!ENTITY" in head:
                        raise ValidationError("The file declares XML entities, which a Word document never does: "
                                              "it has not been opened.")
        Document(io.BytesIO(content))
    except ValidationError:
        raise
    except Exception as exc:  # noqa: BLE001 - any damage is the same answer to the administrator
        raise ValidationError(f"The file is damaged or not a Word document ({type(exc).__name__}). {HINT}") from exc


@transaction.atomic
def save_template(template):
    """Save an uploaded template; if it is to be used, it becomes the only one in use."""
    from reporting.models import DocumentTemplate

    if template.in_use:
        DocumentTemplate.objects.select_for_update().filter(in_use=True).exclude(pk=template.pk).update(in_use=False)
    template.save()
    return template
