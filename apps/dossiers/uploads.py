"""What an upload really is, from its content rather than its name, and photos cleaned of
their metadata before they are stored."""

import warnings
from io import BytesIO

from PIL import Image, ImageOps, UnidentifiedImageError

SIGNATURES = (
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"%PDF-", "application/pdf"),
)
IMAGE_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG"}
# A phone photo has about 12-50 million pixels; Pillow refuses twice this (a "bomb").
Image.MAX_IMAGE_PIXELS = 60_000_000


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
