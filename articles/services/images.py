"""The image library: uploads, changes and deletions, and the stories that show them.

An article body refers to a library image by the address of its original (``src``, see
``articles.html``); its stored ``body_html`` holds the image's renditions. So a change of
the image renders those bodies again, in the same transaction: readers see the new
picture (or none, once it is deleted) at their next visit, and a failed change leaves
every story as it was.
"""

from collections.abc import Iterator
from datetime import timedelta
from urllib.parse import unquote

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q, Value
from django.db.models.fields.files import FieldFile
from django.db.models.functions import Replace
from django.utils import timezone
from django.utils.translation import gettext as _

from articles import caching
from articles.html import library_image_url_prefix
from articles.models import Article, Image, ImageRendition
from articles.services.rendering import article_rerender

IMAGE_FIELDS = frozenset({"file", "alt_text", "caption", "credit"})


def _src_attributes(file: FieldFile) -> list[str]:
    # How a body's <img> names the original: its address as the storage gives it, or the
    # same with its escapes undone, which the renderer accepts too. The whole attribute,
    # so that "a.png" does not also find "a.png.jpg".
    url = file.storage.url(file.name)
    return [f'src="{spelling}"' for spelling in dict.fromkeys((url, unquote(url)))]


def _articles_showing(file: FieldFile):
    query = Q()
    for attribute in _src_attributes(file):
        query |= Q(body__contains=attribute)
    return Article.objects.filter(query)


def _replace_in_bodies(old: str, new: str) -> int:
    # In the database, in one statement: only the address changes, not the writer's words.
    return Article.objects.filter(body__contains=old).update(
        body=Replace("body", Value(old), Value(new))
    )


def _delete_renditions(image: Image) -> None:
    """Delete the image's rendition rows now and their files once the transaction commits
    (a rolled-back change keeps both)."""
    names = image.rendition_file_names()
    image.stored_renditions.all().delete()
    image.forget_renditions()
    storage = ImageRendition._meta.get_field("file").storage

    def delete_files():
        for name in names:
            storage.delete(name)

    transaction.on_commit(delete_files)


def _check(by, action: str) -> None:
    if by is not None and not (by.is_active and by.has_perm(f"articles.{action}_image")):
        raise PermissionDenied(_("Only editors can change or delete library images."))


@transaction.atomic
def image_create(*, file, alt_text: str, caption: str, credit: str, by=None) -> Image:
    """Store a checked upload and make its renditions now, so readers never wait for them."""
    image = Image(
        file=file,
        alt_text=alt_text.strip(),
        caption=caption.strip(),
        credit=credit.strip(),
        uploaded_by=by,
    )
    image.full_clean()
    image.save()
    transaction.on_commit(image.make_renditions)
    return image


@transaction.atomic
def image_update(*, image: Image, by, **changes) -> Image:
    """Change an image's file or texts; the stories showing it show the change.

    A new file gets a new address, so the bodies that showed the old one are pointed at
    it. That is the picture's address, not the writer's words: no revision is kept and
    ``updated_at`` stays. ``by=None`` is a trusted caller such as a management command.
    """
    _check(by, "change")
    if unknown := set(changes) - IMAGE_FIELDS:
        raise TypeError(f"image_update() cannot change {', '.join(sorted(unknown))}")
    # As stored: a caller such as the admin hands over an image that already has the changes.
    stored = Image.objects.get(pk=image.pk)
    for name, value in changes.items():
        setattr(image, name, value.strip() if isinstance(value, str) else value)
    image.full_clean()
    image.save()
    if image.file.name != stored.file.name:
        for old in _src_attributes(stored.file):
            _replace_in_bodies(old, f'src="{image.file.url}"')
        # The old picture's renditions go; the new one's are made once the change is kept
        # (and on first use should that fail).
        _delete_renditions(image)
        transaction.on_commit(image.make_renditions)
    article_rerender(articles=_articles_showing(image.file))
    # As hero or in a body, on article pages and on listing cards: wherever it is.
    caching.everything_changed()
    return image


@transaction.atomic
def image_delete(*, image: Image, by) -> None:
    """Delete a library image; the stories that showed it in their body no longer do.

    Their body keeps its ``<img>``, which the rendering leaves out for want of a library
    image at that address. A hero image is unset (``on_delete=SET_NULL``).
    """
    _check(by, "delete")
    showing = _articles_showing(image.file)
    _delete_renditions(image)
    image.delete()
    article_rerender(articles=showing)
    caching.everything_changed()


def image_make_missing_renditions(*, images=None) -> int:
    """Make and store the renditions library images lack (all of them, or ``images``), such
    as those uploaded before renditions were rows, so that no reader waits for them.
    Returns how many were made; a picture that cannot be made is logged and skipped."""
    queryset = Image.objects.all() if images is None else images
    made = 0
    for image in queryset.prefetch_related("stored_renditions").iterator(chunk_size=200):
        before = len(image._stored_by_width)
        image.renditions()
        made += len(image._stored_by_width) - before
    return made


# Where rendition files are kept in the media storage (models.image._rendition_name).
RENDITIONS_FOLDER = "renditions"
# A file made this recently may be a rendition whose row is not committed yet.
PRUNE_GRACE = timedelta(hours=1)
_NAMES_PER_QUERY = 500


def image_rendition_files_unused(*, grace: timedelta = PRUNE_GRACE) -> Iterator[str]:
    """The files under ``renditions/`` that no ``ImageRendition`` row names: those
    django-imagekit made before renditions were rows, and any whose deletion failed after its
    image changed. Files newer than ``grace`` are left out (one being made now has no row
    yet). The storage is read a folder at a time, each folder's rows in a few queries."""
    storage = ImageRendition._meta.get_field("file").storage
    cutoff = timezone.now() - grace
    folders = [RENDITIONS_FOLDER] if storage.exists(RENDITIONS_FOLDER) else []
    while folders:
        folder = folders.pop()
        subfolders, files = storage.listdir(folder)
        folders.extend(f"{folder}/{name}" for name in sorted(subfolders, reverse=True))
        names = sorted(f"{folder}/{name}" for name in files)
        for start in range(0, len(names), _NAMES_PER_QUERY):
            chunk = names[start : start + _NAMES_PER_QUERY]
            used = set(ImageRendition.objects.filter(file__in=chunk).values_list("file", flat=True))
            for name in chunk:
                if name not in used and storage.get_modified_time(name) < cutoff:
                    yield name


def stale_html_rows() -> int:
    """How many stored bodies older renderers made (``html_version`` below
    ``RENDERING_VERSION``): their HTML may still name rendition files no row does, such as
    imagekit's, until ``migrate`` or ``render_html`` renders them again."""
    from articles.models import CommunityGuidelines, LiveUpdate
    from articles.models.rendering import RENDERING_VERSION

    return sum(
        model.objects.filter(html_version__lt=RENDERING_VERSION).count()
        for model in (Article, LiveUpdate, CommunityGuidelines)
    )


def image_rendition_files_prune(*, grace: timedelta = PRUNE_GRACE) -> tuple[int, int]:
    """Delete the unused rendition files (``image_rendition_files_unused``); how many, and
    their bytes. Refused (``ValidationError``) while stored bodies older renderers made may
    still show some of them (``stale_html_rows``)."""
    if stale := stale_html_rows():
        raise ValidationError(
            _(
                "%(count)d stored bodies were made by older renderers and may still show "
                "some of these files: run “manage.py render_html” first."
            )
            % {"count": stale}
        )
    storage = ImageRendition._meta.get_field("file").storage
    count = size = 0
    for name in image_rendition_files_unused(grace=grace):
        size += storage.size(name)
        storage.delete(name)
        count += 1
    return count, size


@transaction.atomic
def article_repoint_library_images(*, old_prefix: str) -> int:
    """Point the bodies' library images at the address the storage gives them now.

    For after a change of media storage or ``MEDIA_URL``: bodies keep the address the
    image had when it was put in (say ``/media/images/...``); once the library is served
    from elsewhere that address is no longer the library's, and rendering would leave the
    picture out. Returns how many articles changed; render them again afterwards.
    """
    new_prefix = library_image_url_prefix()
    if not old_prefix or old_prefix == new_prefix:
        return 0
    return _replace_in_bodies(f'src="{old_prefix}', f'src="{new_prefix}')
