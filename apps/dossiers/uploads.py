"""What an upload really is, from its content rather than its name, and photos cleaned of
their metadata before they are stored."""

import warnings
from io import BytesIO

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# A phone photo has about 12-50 million pixels; Pillow refuses twice this (a "bomb").
Image.MAX_IMAGE_PIXELS = 60_000_000


def upload_checked(upload):
    """The upload as it may be stored, and its content type: only JPEG, PNG and PDF,
    recognised by their content rather than their name, no larger than
    ATTACHMENT_MAX_MEGABYTES, photos drawn again without the metadata (such as a GPS
    position) they came with. Raises ValidationError (on "upload") for any other file.
    The same rules for every upload: a dossier's attachments and a message's."""
    limit_mb = settings.ATTACHMENT_MAX_MEGABYTES
    if upload.size > limit_mb * 1024 * 1024:
        raise ValidationError(
            {"upload": [_("The file is larger than %(limit)s MB.") % {"limit": limit_mb}]}
        )
    if upload.size == 0:
        raise ValidationError({"upload": [_("The file is empty.")]})
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError({"upload": [_("Only a photo (JPEG or PNG) or a PDF can be added.")]})
    if content_type in IMAGE_FORMATS:
        cleaned = image_without_metadata(upload, content_type)
        if cleaned is None:
            raise ValidationError(
                {"upload": [_("This photo cannot be read. Take or choose it again.")]}
            )
        upload = ContentFile(cleaned, name=upload.name)
    return upload, content_type


def sniff_content_type(upload) -> str | None:
    """The content type of an accepted upload (JPEG, PNG, PDF), or None."""
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    return next((kind for magic, kind in SIGNATURES if head.startswith(magic)), None)


def image_without_metadata(upload, content_type: str) -> bytes | None:
    """The photo drawn again without its metadata, or None when it is not a readable image
    of that type. A phone's EXIF data can hold the GPS position of where the photo was
    taken: often the client's home."""
    upload.seek(0)
    try:
        # Between MAX_IMAGE_PIXELS and twice that Pillow only warns; refuse those too.
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return _redraw(upload, content_type)
    except (
        UnidentifiedImageError,
        Image.DecompressionBombError,
        Image.DecompressionBombWarning,
        OSError,
        ValueError,
    ):
        return None
    finally:
        upload.seek(0)


def _redraw(upload, content_type: str) -> bytes | None:
    with Image.open(upload) as image:
        if image.format != IMAGE_FORMATS[content_type]:
            return None
        upright = ImageOps.exif_transpose(image)
        cleaned = BytesIO()
        if content_type == "image/jpeg":
            upright.convert("RGB").save(cleaned, "JPEG", quality=90, optimize=True)
        else:
            upright.save(cleaned, "PNG", optimize=True)
    return cleaned.getvalue()
