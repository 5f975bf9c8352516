from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from articles.importers.disqus import DisqusImport
from articles.importers.xml import ExportError
from articles.management.progress import Progress


class Command(BaseCommand):
    help = (
        "Import a Disqus export's comments under the articles they were on (matched by the "
        "thread's address: import the WordPress site first). All or nothing; a second run "
        "updates what changed. See docs/MIGRATING.md."
    )

    def add_arguments(self, parser):
        parser.add_argument("export", type=Path, help="the .xml file Disqus mailed")
        parser.add_argument(
            "--dry-run", action="store_true", help="report what would happen, change nothing"
        )

    def handle(self, *args, export: Path, dry_run: bool, **options):
        if not export.is_file():
            raise CommandError(f"No such file: {export}")
        importer = DisqusImport(
            export, progress=lambda total: Progress(self.stdout, "comments", total)
        )
        try:
            summary = importer.run(dry_run=dry_run)
        except ExportError as error:
            raise CommandError(f"{export}: {error}. Nothing was imported.") from None
        heading = (
            "Dry run: nothing was changed. It would do:"
            if dry_run
            else f"Imported the comments of Disqus forum {importer.forum!r}:"
        )
        self.stdout.write(self.style.SUCCESS(heading))
        for line in summary.lines():
            self.stdout.write(f"  {line}")
