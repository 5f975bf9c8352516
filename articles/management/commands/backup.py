from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.backup import BackupError, backup


class Command(BaseCommand):
    help = (
        "Back up the database (pg_dump, or SQLite's own copy) and every uploaded file into "
        "one archive, newsroom-<time>.tar (see docs/DEPLOY.md, Backups)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output", type=Path, default=Path("backups"), help="folder (default ./backups)"
        )

    def handle(self, *args, output, **options):
        try:
            summary = backup(directory=output)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Backed up the {summary.engine} database and {summary.media_files} media "
                f"files to {summary.archive}"
            )
        )
