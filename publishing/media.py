"""Images attached to posts: checked with Pillow before anything is stored."""

from __future__ import annotations

from dataclasses import dataclass

from PIL import Image, UnidentifiedImageError

from coe.errors import DomainError

# The largest image any network we publish to accepts; each adapter checks its own lower limit.
MAX_IMAGE_BYTES = 16 * 1024 * 1024
MAX_IMAGES_PER_POST = 4
FORMAT_TYPES = {"JPEG": "image/jpeg", "PNG": "image/png", "GIF": "image/gif", "WEBP": "image/webp"}


@dataclass(frozen=True)
class ImageInfo:
    content_type: str
    width: int
    height: int
    size: int


def inspect_image(upload) -> ImageInfo:
    """Refuse anything that is not a JPEG, PNG, GIF or WebP image within the size limit."""
    name = getattr(upload, "name", "the file")
    if upload.size > MAX_IMAGE_BYTES:
        raise DomainError(f"{name} is {upload.size // (1024 * 1024)} MB; images may be at most 16 MB.", code="media")
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image.verify()
            kind, width, height = image.format, image.width, image.height
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise DomainError(f"{name} is not an image we can read (JPEG, PNG, GIF or WebP).", code="media") from exc
    finally:
        upload.seek(0)
    if kind not in FORMAT_TYPES:
        raise DomainError(f"{name} is a {kind} image; use JPEG, PNG, GIF or WebP.", code="media")
    return ImageInfo(content_type=FORMAT_TYPES[kind], width=width, height=height, size=upload.size)
