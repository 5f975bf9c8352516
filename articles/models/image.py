"""Uploaded pictures and the resized renditions readers get."""

import logging
import re
from dataclasses import dataclass
from functools import cached_property
from html import unescape
from pathlib import PurePath
from urllib.parse import unquote

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, models, transaction
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from imagekit import ImageSpec
from imagekit.exceptions import MissingSource
from imagekit.processors import ResizeToFit
from PIL import Image as PILImage

from articles.html import library_image_url_prefix

logger = logging.getLogger(__name__)

# Widths readers' browsers choose from (srcset). 1200 is the social-card size.
RENDITION_WIDTHS = (320, 480, 800, 1200, 1600)
# Pillow format names an upload may have; anything else is refused.
ALLOWED_IMAGE_FORMATS = {"JPEG": "JPEG", "PNG": "PNG", "WEBP": "WebP", "GIF": "GIF"}
# The extension an upload is stored under, from what Pillow read in it, never from its name.
FORMAT_EXTENSIONS = {"JPEG": "jpg", "PNG": "png", "WEBP": "webp", "GIF": "gif"}
# Larger pictures are refused: resizing them would exhaust the server's memory.
MAX_IMAGE_PIXELS = 60_000_000


def validate_image_upload(file) -> None:
    """Refuse files that are too large, not images, or in a format we do not publish."""
    if getattr(file, "_committed", False):
        return  # already stored, so checked when it was uploaded
    max_bytes = settings.NEWSROOM_IMAGE_MAX_BYTES
    if file.size > max_bytes:
        raise ValidationError(
            _("The image is %(size)s; the limit is %(max)s."),
            code="too_large",
            params={"size": filesizeformat(file.size), "max": filesizeformat(max_bytes)},
        )
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            image_format = image.format
            pixels = image.width * image.height
            image.verify()
    except Exception:  # Pillow raises many kinds of errors for a broken or fake image.
        raise ValidationError(
            _("This file is not an image we can read."), code="invalid_image"
        ) from None
    finally:
        file.seek(position)
    if pixels > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _("The image is too large (%(pixels)d megapixels); the limit is %(max)d."),
            code="too_many_pixels",
            params={"pixels": pixels // 1_000_000, "max": MAX_IMAGE_PIXELS // 1_000_000},
        )
    if not _decodes(file):
        raise ValidationError(
            _(
                "This image is damaged: its picture data is cut short or corrupt. Export it "
                "again from the original and upload the new file."
            ),
            code="damaged",
        )
    if image_format not in ALLOWED_IMAGE_FORMATS:
        raise ValidationError(
            _("%(format)s images are not accepted; use %(allowed)s."),
            code="format",
            params={
                "format": image_format or _("This kind of"),
                "allowed": ", ".join(ALLOWED_IMAGE_FORMATS.values()),
            },
        )


def _decodes(file) -> bool:
    """Whether every pixel of ``file`` can be decoded. ``verify()`` reads the structure
    only: a truncated JPEG or a PNG with damaged data passes it and breaks on readers'
    screens. JPEGs decode at an eighth of their size, which still reads all their data."""
    position = file.tell() if hasattr(file, "tell") else 0
    try:
        file.seek(0)
        with PILImage.open(file) as image:
            if image.format == "JPEG":
                image.draft("RGB", (max(1, image.width // 8), max(1, image.height // 8)))
            image.load()
    except Exception:  # Pillow raises OSError, SyntaxError, zlib errors... for bad data.
        return False
    finally:
        file.seek(position)
    return True


def _named_by_format(upload, filename: str, folder: str) -> str:
    """``folder``/``filename`` with the extension of the format ``upload`` holds.

    Web servers and buckets choose a Content-Type from the extension: a checked picture
    named ``x.pdf`` or ``x.ico`` must still reach readers as the picture it is.
    """
    extension = None
    position = upload.tell()
    try:
        upload.seek(0)
        with PILImage.open(upload) as image:
            extension = FORMAT_EXTENSIONS.get(image.format)
    except (OSError, ValueError, PILImage.DecompressionBombError):
        pass  # not checked (validate_image_upload refuses it): the name stays as given
    finally:
        upload.seek(position)
    name = PurePath(filename)
    if extension:
        name = name.with_name(f"{name.stem or 'image'}.{extension}")
    return timezone.now().strftime(folder) + name.name


def image_upload_to(instance, filename: str) -> str:
    return _named_by_format(instance.file.file, filename, "images/%Y/%m/")


def author_photo_upload_to(instance, filename: str) -> str:
    return _named_by_format(instance.photo.file, filename, "authors/%Y/")


class _WebPRendition(ImageSpec):
    """A WebP copy no wider than ``width``, never enlarged."""

    format = "WEBP"
    options = {"quality": 80}

    def __init__(self, source, width: int):
        self.processors = [ResizeToFit(width=width, upscale=False)]
        super().__init__(source=source)


@dataclass(frozen=True)
class Rendition:
    url: str
    width: int
    height: int


class Image(models.Model):
    """A picture in the library: the original is kept, readers get renditions."""

    file = models.ImageField(
        _("image file"),
        upload_to=image_upload_to,
        width_field="width",
        height_field="height",
        validators=[validate_image_upload],
        help_text=_("JPEG, PNG, WebP or GIF. Readers get resized copies, never this original."),
    )
    alt_text = models.CharField(
        _("alternative text"),
        max_length=250,
        help_text=_("What the picture shows, for readers who cannot see it."),
    )
    caption = models.CharField(_("caption"), max_length=300)
    credit = models.CharField(
        _("credit"), max_length=120, help_text=_("Photographer or agency, e.g. “Ana Ruiz/Reuters”.")
    )
    width = models.PositiveIntegerField(_("width"), null=True, editable=False)
    height = models.PositiveIntegerField(_("height"), null=True, editable=False)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="uploaded_images",
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ("-created_at", "-pk")
        verbose_name = _("image")
        verbose_name_plural = _("images")

    def __str__(self):
        return self.alt_text

    def rendition(self, width: int) -> Rendition | None:
        """The WebP rendition for ``width`` pixels (rounded up to a size we make).

        Read from the image's ``ImageRendition`` rows (prefetch ``stored_renditions`` for a
        page of images: then this costs no query, file or cache lookup); a missing one is
        made and stored now. None when it cannot be made (the original is missing or
        unreadable): a page then shows no picture rather than failing.
        """
        chosen = next((w for w in RENDITION_WIDTHS if w >= width), RENDITION_WIDTHS[-1])
        # Asked wider than the original, every size gives the original's own width: one file.
        chosen = min(chosen, self._rendition_widths()[-1])
        stored = self._stored_by_width.get(self._fitted_size(chosen)[0])
        if stored is None:
            stored = self._make_rendition(chosen)
            if stored is None:
                return None
        return Rendition(url=stored.url, width=stored.width, height=stored.height)

    def renditions(self) -> list[Rendition]:
        """One rendition per width up to the original's, for a ``srcset``."""
        return [r for r in (self.rendition(w) for w in self._rendition_widths()) if r is not None]

    @property
    def srcset(self) -> str:
        return ", ".join(f"{r.url} {r.width}w" for r in self.renditions())

    @property
    def default_rendition(self) -> Rendition | None:
        """The rendition for the ``src`` fallback: article-column width."""
        return self.rendition(800)

    def make_renditions(self) -> None:
        """Make and store every rendition a page may ask for (after an upload or a new file)."""
        self.forget_renditions()
        for width in self._rendition_widths():
            self.rendition(width)

    def forget_renditions(self) -> None:
        """Drop the rows read (or prefetched) so far: they are about to change."""
        self.__dict__.pop("_stored_by_width", None)
        getattr(self, "_prefetched_objects_cache", {}).pop("stored_renditions", None)

    def rendition_file_names(self) -> list[str]:
        """The stored names of the rendition files, for deleting them with the image."""
        return list(self.stored_renditions.values_list("file", flat=True))

    def _rendition_widths(self) -> list[int]:
        # The sizes we make: each one narrower than the original, then the original's own
        # width (as the smallest size at least as wide as it).
        original = self.width or RENDITION_WIDTHS[-1]
        widths = [w for w in RENDITION_WIDTHS if w < original]
        if original <= RENDITION_WIDTHS[-1]:
            widths.append(min(w for w in RENDITION_WIDTHS if w >= original))
        return widths

    @cached_property
    def _stored_by_width(self) -> dict[int, "ImageRendition"]:
        # The prefetched rows when there are (with_listing_data, responsive_body_images),
        # else one query for this image's rows.
        if self.pk is None:
            return {}
        return {r.width: r for r in self.stored_renditions.all()}

    def _make_rendition(self, width: int) -> "ImageRendition | None":
        actual_width, actual_height = self._fitted_size(width)
        try:
            content = _WebPRendition(source=self.file, width=width).generate()
        except (OSError, ValueError, MissingSource, PILImage.DecompressionBombError):
            logger.exception("Cannot make the %spx rendition of image %s", width, self.pk)
            return None
        rendition = ImageRendition(image=self, width=actual_width, height=actual_height)
        rendition.file.save(
            _rendition_name(self.file.name, actual_width), ContentFile(content.read()), save=False
        )
        try:
            with transaction.atomic():
                rendition.save()
        except IntegrityError:
            # Another request made it meanwhile: keep theirs, drop our copy of the file.
            rendition.file.delete(save=False)
            rendition = ImageRendition.objects.filter(image=self, width=actual_width).first()
            if rendition is None:
                return None
        self._stored_by_width[actual_width] = rendition
        return rendition

    def _fitted_size(self, width: int) -> tuple[int, int]:
        # Mirrors pilkit's ResizeToFit(upscale=False) so pages need not open the file.
        if not self.width or not self.height or self.width <= width:
            return self.width or width, self.height or width
        ratio = width / self.width
        return round(self.width * ratio), round(self.height * ratio)


def _rendition_name(original: str, width: int) -> str:
    stem = PurePath(original).with_suffix("")
    return f"renditions/{stem}-{width}w.webp"


def _rendition_upload_to(instance, filename: str) -> str:
    return filename  # named by _rendition_name, from the original's own name


class ImageRendition(models.Model):
    """A made WebP copy of a library image, as Wagtail keeps them: pages read these rows
    (prefetched, one query for a page of pictures) instead of asking the storage or a
    cache whether each file exists. Made when the image is uploaded or changed
    (``articles.services.images``), or on first use for older images."""

    image = models.ForeignKey(
        Image,
        verbose_name=_("image"),
        on_delete=models.CASCADE,
        related_name="stored_renditions",
    )
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    file = models.FileField(_("file"), upload_to=_rendition_upload_to, max_length=255)

    class Meta:
        verbose_name = _("image rendition")
        verbose_name_plural = _("image renditions")
        constraints = [
            models.UniqueConstraint(fields=("image", "width"), name="unique_image_rendition")
        ]

    def __str__(self):
        return f"{self.file.name} ({self.width}x{self.height})"

    @cached_property
    def url(self) -> str:
        return self.file.storage.url(self.file.name)


_IMG_TAG = re.compile(r"<img\b[^>]*>")
_ATTRIBUTE = re.compile(r'([a-zA-Z-]+)="([^"]*)"')
BODY_IMAGE_SIZES = "(min-width: 46rem) 44rem, 100vw"


def responsive_body_images(html: SafeString) -> SafeString:
    """Swap each library image in sanitized body HTML for its responsive WebP renditions.

    Two queries for all the images in the body (the images, their renditions); images not
    in the library are dropped.
    """
    if "<img" not in html:
        return html
    prefix = library_image_url_prefix()
    names = {}
    for tag in _IMG_TAG.findall(html):
        src = unescape(dict(_ATTRIBUTE.findall(tag)).get("src", ""))
        if src.startswith(prefix):
            names[tag] = "images/" + unquote(src.removeprefix(prefix))
    library = Image.objects.filter(file__in=names.values()).prefetch_related("stored_renditions")
    images = {image.file.name: image for image in library}

    def replace(match) -> str:
        tag = match.group(0)
        image = images.get(names.get(tag, ""))
        fallback = image.default_rendition if image else None
        if fallback is None:
            return ""
        alt = unescape(dict(_ATTRIBUTE.findall(tag)).get("alt", "")) or image.alt_text
        return format_html(
            '<img src="{}" srcset="{}" sizes="{}" width="{}" height="{}" alt="{}" '
            'loading="lazy" decoding="async">',
            fallback.url,
            image.srcset,
            BODY_IMAGE_SIZES,
            fallback.width,
            fallback.height,
            alt,
        )

    return mark_safe(_IMG_TAG.sub(replace, html))  # noqa: S308 - sanitized, then format_html
