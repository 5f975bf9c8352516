from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from articles.models import ImageRendition
from articles.services.images import (
    PRUNE_GRACE,
    image_rendition_files_prune,
    image_rendition_files_unused,
)

SHOWN = 20


class Command(BaseCommand):
    help = (
        "List the files under the media storage's renditions/ folder that no rendition row "
        "names (django-imagekit's, from before renditions were rows, or left by a failed "
        "deletion), and with --delete, delete them. Files made in the last hour are left "
        "alone. Run `make_renditions` first after restoring media."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--delete", action="store_true", help="Delete the files instead of listing them."
        )
        parser.add_argument(
            "--grace-hours",
            type=float,
            default=PRUNE_GRACE.total_seconds() / 3600,
            help="Leave files younger than this alone (default: %(default)s).",
        )

    def handle(self, *args, delete: bool, grace_hours: float, verbosity: int, **options):
        grace = timedelta(hours=grace_hours)
        if delete:
            try:
                count, size = image_rendition_files_prune(grace=grace)
            except ValidationError as error:
                raise CommandError(" ".join(error.messages)) from None
            self.stdout.write(f"Deleted {count} unused rendition files ({size / 1e6:.1f} MB).")
            return
        storage = ImageRendition._meta.get_field("file").storage
        count = size = 0
        for name in image_rendition_files_unused(grace=grace):
            count += 1
            size += storage.size(name)
            if count <= SHOWN or verbosity > 1:
                self.stdout.write(name)
        if count > SHOWN and verbosity < 2:
            self.stdout.write(f"... and {count - SHOWN} more (-v 2 lists them all)")
        self.stdout.write(
            f"{count} unused rendition files ({size / 1e6:.1f} MB). Nothing was deleted: "
            "run again with --delete to delete them."
        )
