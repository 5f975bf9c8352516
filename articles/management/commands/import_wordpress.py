import zoneinfo
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importers.wordpress import WordPressImport
from articles.importers.xml import ExportError
from articles.management.progress import Progress


class Command(BaseCommand):
    help = (
        "Import a WordPress export (Tools → Export, WXR 1.0-1.2 or WordPress.com): posts, "
        "categories and tags, authors, approved comments, featured images, old addresses. "
        "All or nothing; a second run updates what changed. See docs/MIGRATING.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the .xml file WordPress made")
        parser.add_argument(
            "--media-dir",
            type=Path,
            help="a copy of the site's wp-content/uploads folder: pictures are copied into "
            "the image library (without it, body pictures become links to the old site)",
        )
        parser.add_argument(
            "--create-staff",
            action="store_true",
            help="give each author a staff account in the Writer role (no password)",
        )
        parser.add_argument(
            "--timezone",
            help="the WordPress site's time zone, for dates it recorded only locally "
            "(default: TIME_ZONE)",
        )
        parser.add_argument("--image-credit", default="", help="credit for imported pictures")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen, change nothing"
        )

    def handle(self, *args, export: Path, **options):
        if not export.is_file():
            raise CommandError(f"No such file: {export}")
        media_dir = options["media_dir"]
        if media_dir and not media_dir.is_dir():
            raise CommandError(f"--media-dir {media_dir} is not a folder.")
        zone = None
        if options["timezone"]:
            try:
                zone = zoneinfo.ZoneInfo(options["timezone"])
            except (zoneinfo.ZoneInfoNotFoundError, ValueError):
                raise CommandError(f"Unknown time zone: {options['timezone']}") from None
        importer = WordPressImport(
            export,
            media_dir=media_dir,
            create_staff=options["create_staff"],
            zone=zone,
            image_credit=options["image_credit"],
            progress=lambda total: Progress(self.stdout, "posts", total),
        )
        try:
            summary = importer.run(dry_run=options["dry_run"])
        except ExportError as error:
            raise CommandError(f"{export}: {error}. Nothing was imported.") from None
        heading = (
            "Dry run: nothing was changed. It would do:"
            if options["dry_run"]
            else (f"Imported {importer.site.title or importer.source}:")
        )
        self.stdout.write(self.style.SUCCESS(heading))
        for line in summary.lines():
            self.stdout.write(f"  {line}")
