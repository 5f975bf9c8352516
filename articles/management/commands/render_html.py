from django.core.management.base import BaseCommand, CommandError

from articles.html import library_image_url_prefix
from articles.services import article_repoint_library_images, article_rerender, comment_rerender
from articles.services.rendering import DEFAULT_BATCH_SIZE


class Command(BaseCommand):
    help = (
        "Render the stored HTML of every article body and comment again, with the renderers "
        "save() uses. Run it after an upgrade of the sanitizer (nh3 or the rules in "
        "articles/html.py) or a change of media storage or MEDIA_URL: pages print the stored "
        "HTML and never render it themselves. Only rows whose HTML changes are written; no "
        "revision is kept and updated_at stays."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--only",
            choices=("articles", "comments"),
            help="render only article bodies, or only comments (default: both)",
        )
        parser.add_argument(
            "--old-image-prefix",
            default="",
            metavar="ADDRESS",
            help=(
                "after a change of media storage or MEDIA_URL: where library images were "
                "served before (e.g. /media/images/). Bodies are pointed at where they are "
                f"served now ({library_image_url_prefix()}) before rendering; without it, "
                "their pictures would be left out."
            ),
        )
        parser.add_argument(
            "--batch-size",
            type=int,
            default=DEFAULT_BATCH_SIZE,
            help=f"rows read and written at a time (default: {DEFAULT_BATCH_SIZE})",
        )

    def handle(self, *args, only, old_image_prefix, batch_size, **options):
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        if old_image_prefix and only == "comments":
            raise CommandError("--old-image-prefix changes article bodies, not comments.")
        if old_image_prefix:
            moved = article_repoint_library_images(old_prefix=old_image_prefix)
            self.stdout.write(f"Article bodies pointed at the new image address: {moved}")
        if only in (None, "articles"):
            changed = article_rerender(batch_size=batch_size)
            self.stdout.write(f"Article bodies changed: {changed}")
        if only in (None, "comments"):
            changed = comment_rerender(batch_size=batch_size)
            self.stdout.write(f"Comments changed: {changed}")
