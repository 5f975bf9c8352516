from django.core.management.base import BaseCommand

from articles.services.images import image_make_missing_renditions


class Command(BaseCommand):
    help = (
        "Make the image renditions the library lacks (ImageRendition rows and their files), "
        "such as those of images uploaded before renditions were rows. Pages make a missing "
        "one on first use; run this after deploying, or after media files were lost, so no "
        "reader waits for them. Renditions that exist are left alone."
    )

    def handle(self, *args, **options):
        made = image_make_missing_renditions()
        self.stdout.write(f"Renditions made: {made}")
