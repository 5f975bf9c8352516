"""``manage.py seed_bench``: a newsroom's volume of made-up data, for benchmarks.

Stories with bylines, tags, hero images, publication dates over twenty years, and reader
comments with replies, held and removed ones, as a busy site has them; loaded in minutes
even at 100,000 stories and 1,000,000 comments, because rows are generated in memory and
written in bulk (PostgreSQL's ``COPY``; batched ``INSERT`` elsewhere) rather than saved
one by one. What ``save()`` would derive is filled in the same way ``save()`` does it: the
rendered HTML with the renderers of ``articles.models.rendering`` (the same few thousand
comment texts are reused, each rendered once), the search document by PostgreSQL's own
trigger. Every row it makes is recognisable (slugs and usernames start with ``bench-``,
images are credited "Newsroom bench"), and it refuses a database holding anything else.
"""

import io
import itertools
import random
import time
from bisect import bisect_left
from contextlib import contextmanager
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.core.management.color import no_style
from django.db import connection, transaction
from django.db.models import Max
from django.test.utils import override_settings
from django.utils import timezone

from allauth.account.models import EmailAddress
from PIL import Image as PILImage
from PIL import ImageDraw
from taggit.models import Tag

from accounts.models import User
from articles.html import clean_body_html
from articles.management.progress import Progress
from articles.models import Article, Author, Byline, Comment, Image, TaggedArticle
from articles.models.rendering import RENDERING_VERSION, article_body_html, comment_body_html

PREFIX = "bench-"
BENCH_CREDIT = "Newsroom bench"
# Names the benchmark looks for.
SPECIAL_SLUG = f"{PREFIX}200-comments"
READER_USERNAME = f"{PREFIX}reader"
ADMIN_USERNAME = f"{PREFIX}admin"
COMMON_WORD = "council"  # in roughly one story in six
RARE_WORD = "quillwort"  # in exactly RARE_WORD_STORIES stories, whatever the size
RARE_WORD_STORIES = 12

# The special story: SPECIAL_THREADS threads of 1 + SPECIAL_REPLIES comments, all visible,
# so its first page of comments (50 threads) shows exactly 200; and a few hidden ones.
SPECIAL_THREADS = 50
SPECIAL_REPLIES = 3
SPECIAL_VISIBLE = SPECIAL_THREADS * (1 + SPECIAL_REPLIES)
SPECIAL_HIDDEN = (
    (Comment.Status.PENDING, "First comment from this reader"),
    (Comment.Status.PENDING, "More than 2 links"),
    (Comment.Status.PENDING, "Held by a word rule"),
    (Comment.Status.REMOVED, ""),
    (Comment.Status.REMOVED, ""),
    (Comment.Status.SPAM, ""),
)
MIN_COMMENTS = SPECIAL_VISIBLE + len(SPECIAL_HIDDEN)
# A few stories draw thousands of comments once the whole site has many.
HOT_MIN_COMMENTS = 2000
HOT_THRESHOLD = 20 * HOT_MIN_COMMENTS

YEARS = 20
IMAGES = 12
HELD_REASONS = ("First comment from this reader", "More than 2 links", "Held by a word rule")


def _word_list(text: str) -> list[str]:
    return text.split()


# Real words first (stop words among them, as in English text), then made-up ones; drawn
# with Zipf's law, so a few words are in nearly every story and most in a handful.
NEWS_WORDS = _word_list("""
the of and to a in that is for on was with as said at by it from his be have has are
but not an they this which were their had been who will more after its new also would
one two year people first last over she he about up out than years time city other
state government police week could back minister town school health water local
public report plan service money road bridge election hospital centre court family
children workers housing budget market river harbour station library club team game
season museum festival weather storm fire train bus street park market university
mayor vote party leader union strike price rent energy power climate flood heat
winter summer spring autumn morning night officials residents region national
million billion percent cost funding project building plans board committee
""")
CONTENT_WORDS = _word_list("""
approves rejects opens closes delays cuts raises plans warns announces reopens expands
launches reviews wins loses names hires funds builds repairs blocks backs seeks faces
""")
SYLLABLES = [consonant + vowel for consonant in "bdfgklmnprstvz" for vowel in "aeiou"]
FIRST_NAMES = _word_list("""
Mara Tomas Priya Helen Lucas Judith Ana Samir Ines Noah Olga Kwame Elena Jonas Rosa
Idris Chloe Mateo Aiko Farah Viktor Lena Omar Greta Paulo Hana Emil Sofia Rami Nadia
""")
LAST_NAMES = _word_list("""
Ellison Reyes Natarajan Baptiste Ferrand Amsel Ruiz Haddad Costa Berg Ivanova Mensah
Rossi Lindqvist Oliveira Tanaka Haddad Novak Schmidt Adeyemi Kowalski Moreau Silva
Yilmaz Petrov Okafor Jensen Duarte Weber Sato
""")
TOPICS = _word_list("""
Politics Council Transport Sport Health Education Business Culture Weather Crime Courts
Housing Environment Science Technology Food Music Theatre Books Travel Opinion Letters
Obituaries Schools University Harbour Eastport Northside Elections Budget Energy Climate
Football Rowing Cycling Police Fire Hospitals Libraries Parks
""")


class TableWriter:
    """Rows of one model into its table: one ``COPY`` on PostgreSQL, batched ``INSERT``s
    elsewhere. Values are given for ``names`` in that order; every other concrete field
    gets its default, so a new column with a default does not break the seed."""

    def __init__(self, model, names: list[str], *, batch_size: int = 5000):
        meta = model._meta
        self.fields = [meta.get_field(name) for name in names]
        given = {field.name for field in self.fields}
        others = [f for f in meta.concrete_fields if f.name not in given and not f.primary_key]
        self.defaults = tuple(field.get_default() for field in others)
        self.fields += others
        self.table = meta.db_table
        self.batch_size = batch_size
        self.count = 0
        self._copy = None
        self._batch = []

    def __enter__(self):
        quote = connection.ops.quote_name
        columns = ", ".join(quote(field.column) for field in self.fields)
        self._cursor = connection.cursor()
        if connection.vendor == "postgresql":
            self._copy_context = self._cursor.cursor.copy(
                f"COPY {quote(self.table)} ({columns}) FROM STDIN"
            )
            self._copy = self._copy_context.__enter__()
        else:
            marks = ", ".join(["%s"] * len(self.fields))
            # Names from the model's own metadata, quoted; the values are parameters.
            self._insert = f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({marks})"  # noqa: S608
        return self

    def write(self, row: tuple) -> None:
        row = row + self.defaults
        self.count += 1
        if self._copy is not None:
            self._copy.write_row(row)
            return
        prepared = tuple(
            field.get_db_prep_save(value, connection)
            for field, value in zip(self.fields, row, strict=True)
        )
        self._batch.append(prepared)
        if len(self._batch) >= self.batch_size:
            self._flush()

    def _flush(self) -> None:
        if self._batch:
            self._cursor.executemany(self._insert, self._batch)
            self._batch = []

    def __exit__(self, *exc_info):
        try:
            if self._copy is not None:
                self._copy_context.__exit__(*exc_info)
            elif exc_info[0] is None:
                self._flush()
        finally:
            self._cursor.close()


def zipf_cumulative(count: int, exponent: float = 1.0) -> list[float]:
    return list(itertools.accumulate(1 / (rank + 1) ** exponent for rank in range(count)))


def next_id(model) -> int:
    return (model._base_manager.aggregate(top=Max("pk"))["top"] or 0) + 1


class Text:
    """Made-up English-looking text from a fixed vocabulary, the same for the same seed."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        made_up = set()
        while len(made_up) < 8000:
            made_up.add("".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4))))
        # COMMON_WORD near rank 250 of the Zipf draw: it lands in about one story in six.
        words = [w for w in NEWS_WORDS if w != COMMON_WORD]
        words = [*words[:250], COMMON_WORD, *words[250:], *sorted(made_up)]
        self.words = words
        self.weights = zipf_cumulative(len(words))
        self.content_words = [w for w in words[40:] if len(w) > 3]
        self.content_weights = zipf_cumulative(len(self.content_words), 0.8)

    def sentence(self, low: int, high: int) -> str:
        words = self.rng.choices(
            self.words, cum_weights=self.weights, k=self.rng.randint(low, high)
        )
        return " ".join(words).capitalize() + "."

    def headline(self) -> str:
        words = self.rng.choices(
            self.content_words, cum_weights=self.content_weights, k=self.rng.randint(3, 5)
        )
        verb = self.rng.choice(CONTENT_WORDS)
        words.insert(self.rng.randint(1, 2), verb)
        return " ".join(words).capitalize()

    def paragraph(self) -> str:
        return " ".join(self.sentence(8, 22) for _ in range(self.rng.randint(2, 4)))


def bench_picture(number: int) -> ContentFile:
    """A small landscape JPEG, different for each number."""
    rng = random.Random(number)  # noqa: S311 - made-up pictures, not secrets
    width, height = 1600, 900
    top = tuple(rng.randint(0, 120) for _ in range(3))
    bottom = tuple(rng.randint(120, 255) for _ in range(3))
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for y in range(0, height, 4):
        t = y / height
        colour = tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True))
        draw.rectangle((0, y, width, y + 4), fill=colour)
    x = rng.randint(200, 1200)
    draw.ellipse((x, 150, x + 240, 390), fill=(250, 220, 120))
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=80)
    return ContentFile(buffer.getvalue(), name=f"{PREFIX}hero-{number:02d}.jpg")


class Command(BaseCommand):
    help = (
        "Fill the database with made-up stories, bylines, tags, commenters and comments, "
        "in bulk, for benchmarks (see docs/PERFORMANCE.md). Refuses a database holding "
        "content it did not make unless --force. Running it again replaces the previous "
        "bench data (through the ORM: at a million comments, dropping and re-creating the "
        "database is much faster, as make bench does)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--articles", type=int, default=1000, help="stories (default 1000)")
        parser.add_argument(
            "--comments", type=int, default=None, help="comments (default 10 per story)"
        )
        parser.add_argument(
            "--authors", type=int, default=None, help="bylines (default: 1 per 300 stories)"
        )
        parser.add_argument(
            "--tags", type=int, default=None, help="tags (default: 1 per 200 stories)"
        )
        parser.add_argument(
            "--commenters",
            type=int,
            default=None,
            help="reader accounts that comment (default: 1 per 20 comments)",
        )
        parser.add_argument("--seed", type=int, default=1, help="random seed (default 1)")
        parser.add_argument(
            "--force",
            action="store_true",
            help="add bench data even though the database holds other content",
        )

    def handle(self, *args, **options):
        articles = options["articles"]
        comments = 10 * articles if options["comments"] is None else options["comments"]
        if articles < 20:
            raise CommandError("--articles must be at least 20.")
        if comments < MIN_COMMENTS:
            raise CommandError(f"--comments must be at least {MIN_COMMENTS}.")
        self.sizes = {
            "articles": articles,
            "comments": comments,
            "authors": max(5, options["authors"] or articles // 300),
            "tags": max(8, options["tags"] or articles // 200),
            "commenters": max(10, options["commenters"] or comments // 20),
        }
        self._refuse_foreign_content(force=options["force"])
        self.rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not secrets
        self.now = timezone.now()
        started = time.monotonic()
        self.stdout.write(
            "Seeding "
            + ", ".join(f"{count:,} {name}" for name, count in self.sizes.items())
            + f" on {connection.vendor} ({connection.settings_dict['NAME']})."
        )
        self._remove_bench_data()
        images = self._images()
        with transaction.atomic(), self._bulk_load():
            users = self._users()
            authors = self._authors()
            tags = self._tags()
            stories = self._articles(images)
            self._bylines(stories, authors)
            self._tagged(stories, tags)
            self._comments(stories, users)
        self._analyze()
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {time.monotonic() - started:.0f} s. ")
            + f"The story with {SPECIAL_VISIBLE} comments: /articles/{SPECIAL_SLUG}/"
        )

    # --- Safety ------------------------------------------------------------------------

    def _refuse_foreign_content(self, *, force: bool) -> None:
        foreign = {
            "articles": Article.objects.exclude(slug__startswith=PREFIX).count(),
            "authors": Author.objects.exclude(slug__startswith=PREFIX).count(),
            "images": Image.objects.exclude(credit=BENCH_CREDIT).count(),
            "comments": Comment.objects.exclude(
                article__slug__startswith=PREFIX, author__username__startswith=PREFIX
            ).count(),
        }
        found = ", ".join(f"{count} {name}" for name, count in foreign.items() if count)
        if not found:
            return
        if not force:
            raise CommandError(
                f"This database holds content seed_bench did not make ({found}). It fills "
                "databases for benchmarks: point DATABASE_URL at a dedicated one (e.g. "
                "newsroom_bench), or pass --force to add bench data beside that content."
            )
        self.stdout.write(self.style.WARNING(f"--force: seeding beside {found}."))

    def _remove_bench_data(self) -> None:
        """Delete what an earlier run made (not its images, which are reused)."""
        articles = Article.objects.filter(slug__startswith=PREFIX)
        if not articles.exists() and not User.objects.filter(username__startswith=PREFIX).exists():
            return
        self.stdout.write("Removing the previous bench data...")
        comments = Comment.objects.filter(article__in=articles)
        # Deleting a story records a revision of it (django-simple-history): not for these.
        with override_settings(SIMPLE_HISTORY_ENABLED=False):
            for queryset in (
                comments,
                articles,
                Author.objects.filter(slug__startswith=PREFIX),
                Tag.objects.filter(slug__startswith=PREFIX),
                User.objects.filter(username__startswith=PREFIX),
            ):
                self._delete_in_batches(queryset)

    def _delete_in_batches(self, queryset, batch_size: int = 2000) -> None:
        ids = list(queryset.order_by("pk").values_list("pk", flat=True))
        if not ids:
            return
        progress = Progress(
            self.stdout, f"deleting {queryset.model._meta.verbose_name_plural}", len(ids)
        )
        for start in range(0, len(ids), batch_size):
            chunk = ids[start : start + batch_size]
            with transaction.atomic():
                queryset.model._base_manager.filter(pk__in=chunk).delete()
            progress.advance(len(chunk))
        progress.finish()

    # --- Bulk loading ------------------------------------------------------------------

    @contextmanager
    def _bulk_load(self):
        """On PostgreSQL, build the secondary indexes of the loaded tables once at the end
        rather than row by row (the search GIN index above all), in the same transaction."""
        if connection.vendor != "postgresql":
            yield
            return
        tables = [model._meta.db_table for model in (User, Article, Byline, TaggedArticle, Comment)]
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
            cursor.execute(
                """
                SELECT i.relname, pg_get_indexdef(i.oid)
                FROM pg_index x
                JOIN pg_class i ON i.oid = x.indexrelid
                JOIN pg_class t ON t.oid = x.indrelid
                WHERE t.relname = ANY(%s)
                  AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)
                """,
                [tables],
            )
            indexes = cursor.fetchall()
            for name, _definition in indexes:
                cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        yield
        started = time.monotonic()
        with connection.cursor() as cursor:
            # The foreign keys are checked at commit (deferred); PostgreSQL builds no index
            # on a table with checks pending, so run them now.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        self.stdout.write(f"  foreign keys checked in {time.monotonic() - started:.1f} s")
        progress = Progress(self.stdout, "rebuilding indexes", len(indexes))
        with connection.cursor() as cursor:
            for _name, definition in indexes:
                cursor.execute(definition)
                progress.advance()
            for model in (User, Author, Article, Byline, TaggedArticle, Comment, Tag):
                for statement in connection.ops.sequence_reset_sql(no_style(), [model]):
                    cursor.execute(statement)
        progress.finish()

    def _analyze(self) -> None:
        """Fresh planner statistics (and, on PostgreSQL, the visibility map a vacuum leaves),
        so the site is measured as it runs day to day, not straight after a bulk load."""
        started = time.monotonic()
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql" and not connection.in_atomic_block:
                for model in (User, Author, Tag, Article, Byline, TaggedArticle, Comment):
                    cursor.execute(
                        f"VACUUM (ANALYZE) {connection.ops.quote_name(model._meta.db_table)}"
                    )
            else:
                cursor.execute("ANALYZE")  # a vacuum cannot run inside a transaction (tests)
        self.stdout.write(f"  statistics updated in {time.monotonic() - started:.1f} s")

    # --- Rows --------------------------------------------------------------------------

    def _images(self) -> list[int]:
        """A small library of hero pictures, made once and reused by later runs."""
        from articles.services import image_create

        existing = {}
        for image in Image.objects.filter(credit=BENCH_CREDIT):
            if image.file and image.file.storage.exists(image.file.name):
                existing[image.file.name.rsplit("/", 1)[-1]] = image
            else:
                image.delete()  # made under another MEDIA_ROOT: its file is not here
        ids = []
        for number in range(1, IMAGES + 1):
            name = f"{PREFIX}hero-{number:02d}.jpg"
            image = existing.get(name)
            if image is None:
                image = image_create(
                    file=bench_picture(number),
                    alt_text=f"Illustration {number}: a sun over a coloured landscape",
                    caption="A picture drawn for the benchmark data.",
                    credit=BENCH_CREDIT,
                )
            ids.append(image.pk)
        return ids

    def _users(self) -> list[int]:
        count = self.sizes["commenters"]
        first = next_id(User)
        unusable = make_password(None)
        fields = [
            "id",
            "password",
            "is_superuser",
            "username",
            "email",
            "is_staff",
            "is_active",
            "date_joined",
            "is_notified_of_replies",
        ]
        start = self.now - timedelta(days=365 * YEARS)
        progress = Progress(self.stdout, "commenter accounts", count + 2)
        with TableWriter(User, fields) as writer:
            for n in range(count):
                username = f"{PREFIX}commenter-{n + 1}"
                joined = start + timedelta(days=self.rng.uniform(0, 365 * YEARS))
                writer.write(
                    (first + n, unusable, False, username, f"{username}@example.com", False,
                     True, joined, self.rng.random() < 0.7)
                )  # fmt: skip
                progress.advance()
            for offset, (username, is_admin) in enumerate(
                ((READER_USERNAME, False), (ADMIN_USERNAME, True)), start=count
            ):
                writer.write(
                    (first + offset, unusable, is_admin, username, f"{username}@example.com",
                     is_admin, True, start, True)
                )  # fmt: skip
                progress.advance()
        progress.finish()
        # The two accounts the benchmark logs in with: a reader who may comment, an admin.
        for offset, username in enumerate((READER_USERNAME, ADMIN_USERNAME), start=count):
            EmailAddress.objects.create(
                user_id=first + offset, email=f"{username}@example.com", verified=True, primary=True
            )
        return list(range(first, first + count))

    def _authors(self) -> list[int]:
        count = self.sizes["authors"]
        first = next_id(Author)
        with TableWriter(Author, ["id", "display_name", "slug", "bio"]) as writer:
            for n in range(count):
                name = f"{self.rng.choice(FIRST_NAMES)} {self.rng.choice(LAST_NAMES)}"
                slug = f"{PREFIX}{name.lower().replace(' ', '-')}-{n + 1}"
                writer.write((first + n, name, slug, f"{name} reports for the bench desk."))
        return list(range(first, first + count))

    def _tags(self) -> list[int]:
        count = self.sizes["tags"]
        first = next_id(Tag)
        taken = set(Tag.objects.values_list("name", flat=True))
        with TableWriter(Tag, ["id", "name", "slug"]) as writer:
            for n in range(count):
                name = TOPICS[n] if n < len(TOPICS) else f"{TOPICS[n % len(TOPICS)]} {n + 1}"
                if name in taken:
                    name = f"{name} (bench)"
                slug = f"{PREFIX}{name.lower().replace(' ', '-').strip('()')}"
                writer.write((first + n, name, slug.replace("(", "").replace(")", "")))
        return list(range(first, first + count))

    def _articles(self, images: list[int]) -> list[tuple[int, object]]:
        """Write the stories; return (id, published_at) of those readers can see."""
        count = self.sizes["articles"]
        rng, now = self.rng, self.now
        text = Text(rng)
        self.text = text
        paragraphs = [text.paragraph() for _ in range(min(20_000, count * 3))]
        standfirsts = [text.sentence(12, 24) for _ in range(min(10_000, count))]
        rare_paragraph = (
            f"Botanists found {RARE_WORD} growing in the shallow water below the weir, "
            "the first record of the plant in the region for forty years."
        )
        rare = set(rng.sample(range(count - 10), RARE_WORD_STORIES))
        # Twenty years of stories, ids in publication order; the latest two days busy, so
        # the news sitemap has stories at any size, and a few scheduled for the days ahead.
        span = 365 * YEARS * 24 * 3600
        dates = sorted(now - timedelta(seconds=rng.uniform(2 * 86400, span)) for _ in range(count))
        recent = min(20, count // 10)
        dates[count - recent - 3 : count - 3] = sorted(
            now - timedelta(seconds=rng.uniform(600, 2 * 86400)) for _ in range(recent)
        )
        dates[count - 3 :] = [now + timedelta(days=day) for day in (1, 2, 3)]
        special = count - 6  # among the latest stories, as a much-discussed one would be
        first = next_id(Article)
        # Drafts and unpublished stories have bylines and tags too.
        self.article_ids = range(first, first + count)
        fields = [
            "id",
            "headline",
            "slug",
            "standfirst",
            "body",
            "body_html",
            "hero_image",
            "status",
            "published_at",
            "created_at",
            "updated_at",
            "is_commenting_open",
            "html_version",
        ]
        visible = []
        progress = Progress(self.stdout, "stories", count)
        Status = Article.Status
        with TableWriter(Article, fields) as writer:
            for n in range(count):
                published_at = dates[n]
                headline = text.headline()
                if n == special:
                    slug, headline = SPECIAL_SLUG, "Readers debate the harbour bridge tolls"
                else:
                    words = "-".join(headline.lower().split()[:6])
                    slug = f"{PREFIX}{first + n}-{words}"
                chosen = rng.sample(paragraphs, rng.randint(3, 9))
                if n in rare:
                    chosen.insert(1, rare_paragraph)
                body = clean_body_html("".join(f"<p>{p}</p>" for p in chosen))
                roll = rng.random()
                if n >= count - 3 or n == special or roll >= 0.035:
                    status = Status.PUBLISHED
                elif roll < 0.02:
                    status, published_at = Status.DRAFT, None
                elif roll < 0.025:
                    status, published_at = Status.IN_REVIEW, None
                else:
                    status = Status.UNPUBLISHED
                written_at = (published_at or dates[n]) - timedelta(hours=rng.uniform(1, 48))
                writer.write(
                    (
                        first + n,
                        headline[:200],
                        slug,
                        rng.choice(standfirsts),
                        body,
                        str(article_body_html(body)),
                        rng.choice(images) if rng.random() < 0.8 else None,
                        status,
                        published_at,
                        written_at,
                        published_at or written_at,
                        n == special or rng.random() > 0.05,
                        RENDERING_VERSION,
                    )
                )
                if status == Status.PUBLISHED and published_at <= now:
                    visible.append((first + n, published_at, n == special))
                progress.advance()
        progress.finish()
        return visible

    def _bylines(self, stories, authors: list[int]) -> None:
        rng = self.rng
        weights = zipf_cumulative(len(authors), 0.8)  # a few authors write much of the paper
        first = next_id(Byline)
        progress = Progress(self.stdout, "bylines", len(self.article_ids))
        with TableWriter(Byline, ["id", "article", "author", "position"]) as writer:
            for article_id in self.article_ids:
                count = rng.choices((1, 2, 3), weights=(80, 15, 5))[0]
                chosen = dict.fromkeys(rng.choices(authors, cum_weights=weights, k=count))
                for position, author_id in enumerate(chosen):
                    writer.write((first + writer.count, article_id, author_id, position))
                progress.advance()
        progress.finish()

    def _tagged(self, stories, tags: list[int]) -> None:
        rng = self.rng
        weights = zipf_cumulative(len(tags))  # the biggest tag on about one story in five
        first = next_id(TaggedArticle)
        progress = Progress(self.stdout, "tags on stories", len(self.article_ids))
        with TableWriter(TaggedArticle, ["id", "content_object", "tag"]) as writer:
            for article_id in self.article_ids:
                count = rng.choices((1, 2, 3), weights=(50, 35, 15))[0]
                for tag_id in dict.fromkeys(rng.choices(tags, cum_weights=weights, k=count)):
                    writer.write((first + writer.count, article_id, tag_id))
                progress.advance()
        progress.finish()

    def _comments(self, stories, users: list[int]) -> None:
        rng = self.rng
        total = self.sizes["comments"]
        pool = self._comment_texts(min(5000, max(200, total // 50)))
        user_weights = zipf_cumulative(len(users), 0.9)  # a few readers comment a lot
        self._pick_user = lambda: users[bisect_left(user_weights, rng.random() * user_weights[-1])]
        counts = self._comment_counts(stories, total)
        fields = [
            "id",
            "article",
            "author",
            "parent",
            "replied_to",
            "body",
            "body_html",
            "status",
            "is_deleted_by_author",
            "held_reason",
            "created_at",
            "edited_at",
            "html_version",
        ]
        self.comment_id = next_id(Comment)
        progress = Progress(self.stdout, "comments", total)
        with TableWriter(Comment, fields) as writer:
            for article_id, published_at, special in stories:
                count = counts.get(article_id, 0)
                if special:
                    rows = self._special_thread(article_id, published_at, pool)
                else:
                    rows = self._thread(article_id, published_at, count, pool)
                for row in rows:
                    writer.write(row)
                    progress.advance()
        progress.finish()

    def _comment_counts(self, stories, total: int) -> dict[int, int]:
        """How many comments each story gets: heavy-tailed, a few hot stories at 2,000+."""
        rng = self.rng
        rest = total - MIN_COMMENTS
        ordinary = [article_id for article_id, _at, special in stories if not special]
        counts = {}
        if rest >= HOT_THRESHOLD:
            hot_count = max(3, rest // 150_000)
            for article_id in rng.sample(ordinary[-2000:], hot_count):
                counts[article_id] = rng.randint(HOT_MIN_COMMENTS, 2 * HOT_MIN_COMMENTS)
            rest -= sum(counts.values())
        candidates = [article_id for article_id in ordinary if article_id not in counts]
        # Pareto weights: most stories draw a few comments, some draw hundreds.
        weights = list(itertools.accumulate(rng.paretovariate(1.1) for _ in candidates))
        for article_id in rng.choices(candidates, cum_weights=weights, k=rest):
            counts[article_id] = counts.get(article_id, 0) + 1
        return counts

    def _comment_texts(self, count: int) -> list[tuple[str, str]]:
        """Distinct comment bodies, each with its rendered HTML (rendered once, reused)."""
        rng, text = self.rng, self.text
        texts = []
        for n in range(count):
            sentences = [text.sentence(5, 18) for _ in range(rng.randint(1, 4))]
            if n % 20 == 0:
                sentences.append(f"Source: https://example.org/reports/{n}")
            body = " ".join(sentences)
            if n % 10 == 0:
                body += "\n\n" + text.sentence(5, 12)
            texts.append((body, str(comment_body_html(body))))
        return texts

    def _new_id(self) -> int:
        self.comment_id += 1
        return self.comment_id - 1

    def _row(self, article_id, author, parent, replied_to, pool, status, at, *, reason=""):
        body, html = self.rng.choice(pool)
        deleted = status == Comment.Status.REMOVED and self.rng.random() < 0.4
        edited = at + timedelta(minutes=5) if self.rng.random() < 0.03 else None
        return (self._new_id(), article_id, author, parent, replied_to, body, html, status,
                deleted, reason, at, edited, RENDERING_VERSION)  # fmt: skip

    def _thread(self, article_id, published_at, count: int, pool):
        rng, now = self.rng, self.now
        Status = Comment.Status
        at = published_at
        tops: list[int] = []
        replies: dict[int, list[int]] = {}
        # Comments come quickly after publication, then thin out.
        mean_gap = max(30.0, min(3600.0, (now - published_at).total_seconds() / (4 * count + 1)))
        for _ in range(count):
            at = min(now, at + timedelta(seconds=rng.expovariate(1 / mean_gap)))
            roll = rng.random()
            if roll < 0.94:
                status, reason = Status.VISIBLE, ""
            elif roll < 0.97:
                status, reason = Status.PENDING, rng.choice(HELD_REASONS)
            elif roll < 0.99:
                status, reason = Status.REMOVED, ""
            else:
                status, reason = Status.SPAM, ""
            parent = replied_to = None
            if tops and rng.random() < 0.35:
                parent = rng.choice(tops[-10:])
                answers = replies.setdefault(parent, [])
                if answers and rng.random() < 0.4:
                    replied_to = rng.choice(answers)
            row = self._row(
                article_id, self._pick_user(), parent, replied_to, pool, status, at, reason=reason
            )
            if parent is None:
                tops.append(row[0])
            else:
                replies[parent].append(row[0])
            yield row

    def _special_thread(self, article_id, published_at, pool):
        """SPECIAL_THREADS visible threads of 1 + SPECIAL_REPLIES, and a few hidden comments."""
        Status = Comment.Status
        at = published_at
        gap = max(1.0, (self.now - published_at).total_seconds() / (MIN_COMMENTS + 1))
        hidden = iter(SPECIAL_HIDDEN)
        for thread in range(SPECIAL_THREADS):
            at += timedelta(seconds=gap)
            top = self._row(article_id, self._pick_user(), None, None, pool, Status.VISIBLE, at)
            yield top
            first_reply = None
            for reply in range(SPECIAL_REPLIES):
                at += timedelta(seconds=gap)
                replied_to = first_reply if reply else None
                row = self._row(
                    article_id, self._pick_user(), top[0], replied_to, pool, Status.VISIBLE, at
                )
                first_reply = first_reply or row[0]
                yield row
            if thread % 8 == 7 and (extra := next(hidden, None)):
                status, reason = extra
                at += timedelta(seconds=gap)
                yield self._row(
                    article_id, self._pick_user(), None, None, pool, status, at, reason=reason
                )
        for status, reason in hidden:
            at += timedelta(seconds=gap)
            yield self._row(
                article_id, self._pick_user(), None, None, pool, status, at, reason=reason
            )
