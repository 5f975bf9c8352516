from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.html import paragraphs_from_text
from articles.services import article_create, author_get_or_create


class Command(BaseCommand):
    help = (
        "Import a plain-text file as an article: each non-blank line becomes a paragraph. "
        "The text is escaped, so no HTML from the file reaches a page."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="UTF-8 text file, paragraphs one per line")
        parser.add_argument("--headline", required=True)
        parser.add_argument("--standfirst", default="", help="summary under the headline")
        parser.add_argument("--tags", default="", help="comma-separated tag names")
        parser.add_argument(
            "--author",
            action="append",
            default=[],
            help="byline name; repeat for several authors (default: NEWSROOM_DEFAULT_BYLINE)",
        )
        parser.add_argument("--slug", default="", help="default: made from the headline")
        parser.add_argument(
            "--publish", action="store_true", help="publish now (default: save as a draft)"
        )

    def handle(self, *args, **options):
        path: Path = options["file"]
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise CommandError(f"No such file: {path}") from None
        except UnicodeDecodeError:
            raise CommandError(f"{path} is not UTF-8 text.") from None
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        body = paragraphs_from_text(text)
        if not body:
            raise CommandError(f"{path} has no text to import.")
        headline = options["headline"].strip()
        if not headline:
            raise CommandError("--headline must not be empty.")

        try:
            with transaction.atomic():
                authors = [
                    author_get_or_create(display_name=name)
                    for name in options["author"]
                    if name.strip()
                ]
                article = article_create(
                    headline=headline,
                    standfirst=options["standfirst"],
                    body=body,
                    authors=authors,
                    tags=options["tags"].split(","),
                    slug=options["slug"],
                    publish=options["publish"],
                )
        except ValidationError as error:
            messages = "; ".join(
                f"{field}: {' '.join(errors)}" for field, errors in error.message_dict.items()
            )
            raise CommandError(f"Nothing imported: {messages}") from None

        state = "published" if options["publish"] else "saved as a draft"
        paragraphs = body.count("<p>")
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {article.headline!r} ({paragraphs} paragraphs), {state}: "
                f"{article.get_absolute_url()}"
            )
        )
