"""A damaged picture (cut short, or with corrupt data) is refused at upload, with a message
that says what to do, instead of reaching readers as a broken image."""

import io
import zlib

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

import pytest
from PIL import Image as PILImage

from articles.models.image import validate_image_upload
from tests.factories import png_bytes

pytestmark = pytest.mark.django_db


def jpeg_bytes(width=1200, height=800) -> bytes:
    buffer = io.BytesIO()
    image = PILImage.effect_noise((width, height), 60).convert("RGB")
    image.save(buffer, "JPEG", quality=90)
    return buffer.getvalue()


def damaged_png() -> bytes:
    """A PNG whose pixel data is corrupt but whose chunks are well formed (right CRCs), as
    a broken export makes: the structure checks pass, decoding fails."""
    data = bytearray(png_bytes(600, 400))
    at = data.index(b"IDAT")
    length = int.from_bytes(data[at - 4 : at], "big")
    start = at + 4
    data[start + 2 : start + 66] = bytes(range(64))  # inside the zlib stream
    crc = zlib.crc32(bytes(data[at : start + length]))
    data[start + length : start + length + 4] = crc.to_bytes(4, "big")
    return bytes(data)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("cut.jpg", jpeg_bytes()[: len(jpeg_bytes()) // 2]),
        ("corrupt.png", damaged_png()),
    ],
)
def test_a_damaged_picture_is_refused_with_a_clear_message(name, content):
    with pytest.raises(ValidationError) as refused:
        validate_image_upload(SimpleUploadedFile(name, content))
    assert refused.value.code == "damaged"
    assert "Export it again" in " ".join(refused.value.messages)


def test_a_whole_picture_passes():
    validate_image_upload(SimpleUploadedFile("ok.jpg", jpeg_bytes()))
    validate_image_upload(SimpleUploadedFile("ok.png", png_bytes(600, 400)))


def test_a_truncated_jpeg_is_called_damaged_not_unreadable():
    with pytest.raises(ValidationError) as refused:
        validate_image_upload(SimpleUploadedFile("cut.jpg", jpeg_bytes()[:-5000]))
    assert refused.value.code == "damaged"
