from django.core.management.base import BaseCommand

from articles.services.scheduling import scheduled_updates_apply_due


class Command(BaseCommand):
    help = (
        "Publish the scheduled updates of live stories whose time has come. Nothing needs "
        "it: the first reader after the time, or the job queued for it, does the same; run "
        "it from cron if the site has no job worker and few readers."
    )

    def handle(self, *args, **options):
        applied = scheduled_updates_apply_due()
        self.stdout.write(f"{applied} scheduled update(s) published.")
