from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from newsroom.backup import BackupError, restore


class Command(BaseCommand):
    help = (
        "Restore a backup made by `manage.py backup`: the database's contents and the media "
        "folder become the archive's (the media there before is moved aside)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path)
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="do not ask to confirm"
        )

    def handle(self, *args, archive, interactive, **options):
        if interactive:
            answer = input(
                f"This replaces everything in the database and the media folder with "
                f"{archive}. Type 'yes' to go on: "
            )
            if answer.strip().lower() != "yes":
                raise CommandError("Nothing restored.")
        try:
            summary = restore(archive=archive)
        except BackupError as error:
            raise CommandError(f"Nothing restored: {error}") from None
        self.stdout.write(
            self.style.SUCCESS(
                f"Restored the {summary.engine} database and {summary.media_files} media "
                f"files from {summary.archive}"
            )
        )
