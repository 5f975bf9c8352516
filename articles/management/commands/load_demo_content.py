import io
import math
from datetime import timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from allauth.account.models import EmailAddress
from PIL import Image as PILImage
from PIL import ImageColor, ImageDraw

from articles.html import paragraphs_from_text
from articles.models import Article, Image, Section
from articles.roles import EDITOR_ROLE, MODERATOR_ROLE, WRITER_ROLE
from articles.services import (
    article_create,
    author_get_or_create,
    image_create,
    section_create,
)

# Original demo stories about an invented town, so the site has something to show.
DEMO_ARTICLES = [
    {
        "slug": "harbour-bridge-reopens-after-two-years-of-repairs",
        "picture": (
            "#1d3557",
            "#a8dadc",
            "#f4a261",
            "Illustration: an orange sun rising over dark blue water",
        ),
        "headline": "Harbour bridge reopens after two years of repairs",
        "standfirst": "Commuters cheered as the first buses crossed at dawn, "
        "eleven weeks ahead of the revised schedule.",
        "authors": ["Mara Ellison"],
        "tags": ["Transport", "Eastport"],
        "section": "Local",
        "hours_ago": 2,
        "body": """The Eastport harbour bridge reopened to traffic at six o'clock on Monday morning, two years after engineers closed it when corrosion was found in its steel cables.
The first vehicles across were three night buses, whose drivers sounded their horns as a small crowd of early commuters applauded from the footpath.
"I have been taking the ferry and two buses for two years," said Ines Okafor, a nurse who works at the county hospital. "Today I got to work in twenty minutes."
The council said the repairs cost 41 million, about six per cent over the original budget, and that the bridge will be inspected every six months for the next five years.""",
    },
    {
        "slug": "library-extends-opening-hours-on-weekends",
        "picture": (
            "#3d405b",
            "#f2cc8f",
            "#e07a5f",
            "Illustration: a coral evening sun over sand-coloured hills",
        ),
        "headline": "Library extends opening hours on weekends",
        "standfirst": "The central library will stay open until 8pm on Saturdays "
        "and open on Sunday afternoons from next month.",
        "authors": ["Tomas Reyes"],
        "tags": ["Culture", "Eastport"],
        "section": "Culture",
        "hours_ago": 20,
        "body": """Eastport's central library will open for longer at weekends from the first of next month, after a consultation in which most respondents asked for evening and Sunday hours.
The library will hire four part-time assistants, funded by a grant from the regional arts fund.
Head librarian Judith Amsel said study rooms had been full every Saturday since the spring. "Students tell us they have nowhere quiet to work at weekends," she said.""",
    },
    {
        "slug": "council-approves-budget-for-new-cycle-lanes",
        "picture": ("#264653", "#2a9d8f", "#e9c46a", "Illustration: a yellow sun over green waves"),
        "headline": "Council approves budget for protected cycle lanes",
        "standfirst": "Twelve kilometres of separated lanes will link the station, "
        "the university and the harbour by 2028.",
        "authors": ["Mara Ellison", "Tomas Reyes"],
        "tags": ["Transport", "Politics", "Eastport"],
        "section": "Politics",
        "hours_ago": 30,
        "body": """The town council voted 23 to 14 on Thursday night to fund a network of protected cycle lanes, ending a debate that has run for three budget cycles.
The first section, along Station Road, is due to open next summer. Shop owners on the road had asked for loading bays to be kept, and the final plan includes six.
Opposition councillors said the money would be better spent on road repairs. The transport committee's chair replied that the lanes would be resurfaced as part of the same works.""",
    },
    {
        "slug": "eastport-rowing-club-wins-regional-title",
        "picture": ("#003049", "#669bbc", "#fdf0d5", "Illustration: a pale sun over a blue river"),
        "headline": "Eastport rowing club wins regional title for the first time",
        "standfirst": "A crew with an average age of nineteen beat the favourites by half a length.",
        "authors": ["Priya Natarajan"],
        "tags": ["Sport", "Eastport"],
        "section": "Sport",
        "hours_ago": 52,
        "body": """The Eastport Rowing Club's eight won the regional championship on Saturday, the club's first title in its 87-year history.
The crew trailed for most of the two-kilometre course before overtaking the defending champions in the final 300 metres.
Coach Helen Baptiste said the club had doubled its junior membership in three years. "These rowers started as beginners in our summer course," she said.""",
    },
    {
        "slug": "heatwave-warning-for-the-weekend",
        "picture": (
            "#6a040f",
            "#f48c06",
            "#ffba08",
            "Illustration: a blazing yellow sun over an orange sky",
        ),
        "headline": "Heatwave warning issued for the weekend",
        "standfirst": "Temperatures may reach 36C on Saturday; cooling centres will open "
        "in the town hall and two libraries.",
        "authors": ["Priya Natarajan"],
        "tags": ["Weather", "Health"],
        "section": "World",
        "hours_ago": 75,
        "body": """The national weather service has issued an amber heat warning for the region from Friday evening to Monday morning.
Doctors advise drinking water regularly, avoiding the sun between 11am and 4pm, and checking on elderly neighbours.
The council will open cooling centres in the town hall and the Northside and Harbour libraries, with free water and seating, from 10am to 8pm.""",
    },
    {
        "slug": "new-bakery-cooperative-opens-in-old-fire-station",
        "picture": ("#582f0e", "#b08968", "#ede0d4", "Illustration: a cream sun over brown hills"),
        "headline": "Bakery cooperative opens in the old fire station",
        "standfirst": "Twelve bakers share the ovens, the rent and the profits.",
        "authors": ["Tomas Reyes"],
        "tags": ["Business", "Food"],
        "section": "Business",
        "hours_ago": 100,
        "body": """The old fire station on Quay Street, empty for six years, reopened on Friday as a bakery run by a cooperative of twelve bakers.
Each member works three days a week and the cooperative shares its profits equally, said founding member Lucas Ferrand.
The building's brass pole has been kept. "Children ask about it every day," Ferrand said.""",
    },
]


# The paper's desks, in the navigation's order (each story has one, its primary section).
DEMO_SECTIONS = [
    ("World", "News from beyond the harbour."),
    ("Politics", "The council, the region and the country."),
    ("Business", "Work, trade and money in Eastport."),
    ("Culture", "Books, music, film and the arts."),
    ("Sport", "Results and stories from the clubs."),
    ("Local", "Eastport's streets, services and neighbours."),
]


def demo_sections() -> dict[str, Section]:
    """The demo sections, made once (by name), through the service."""
    existing = {section.name: section for section in Section.objects.all()}
    for position, (name, description) in enumerate(DEMO_SECTIONS):
        if name not in existing:
            existing[name] = section_create(
                by=None,
                name=name,
                slug=slugify(name),
                description=description,
                position=position * 10,
                is_in_navigation=True,
            )
    return existing


def demo_picture(slug: str, sky: str, sea: str, sun: str, alt_text: str) -> Image:
    """A drawn 1600x900 picture (no stock photos in the repository), stored as a library image."""
    width, height = 1600, 900
    top, bottom = ImageColor.getrgb(sky), ImageColor.getrgb(sea)
    picture = PILImage.new("RGB", (width, height))
    draw = ImageDraw.Draw(picture)
    for y in range(height):
        t = y / height
        draw.line(
            [(0, y), (width, y)],
            fill=tuple(round(a + (b - a) * t) for a, b in zip(top, bottom, strict=True)),
        )
    draw.ellipse((width * 0.6, height * 0.18, width * 0.6 + 260, height * 0.18 + 260), fill=sun)
    for band in range(4):
        base = height * (0.62 + band * 0.1)
        points = [
            (x, base + 24 * math.sin((x / width) * 6 * math.pi + band))
            for x in range(0, width + 40, 40)
        ]
        shade = tuple(round(c * (0.85 - band * 0.15)) for c in bottom)
        draw.polygon([*points, (width, height), (0, height)], fill=shade)
    buffer = io.BytesIO()
    picture.save(buffer, format="JPEG", quality=85)
    return image_create(
        file=ContentFile(buffer.getvalue(), name=f"demo-{slug}.jpg"),
        alt_text=alt_text,
        caption="An illustration drawn for the demo stories.",
        credit="Newsroom demo illustration",
    )


DEMO_PASSWORD = "newsroom-demo"  # noqa: S105 - development-only demo accounts
DEMO_ACCOUNTS = (("editor", EDITOR_ROLE), ("writer", WRITER_ROLE), ("moderator", MODERATOR_ROLE))


class Command(BaseCommand):
    help = "Create the demo stories and demo staff accounts (editor, writer, moderator). Safe to run twice."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-editor", action="store_true", help="only the stories, no staff accounts"
        )

    @transaction.atomic
    def handle(self, *args, **options):
        if settings.PRODUCTION:
            raise CommandError("Demo content is for development; DJANGO_ENV is production.")
        now = timezone.now()
        existing = set(
            Article.objects.filter(slug__in=[item["slug"] for item in DEMO_ARTICLES]).values_list(
                "slug", flat=True
            )
        )
        sections = demo_sections()
        # Stories already there are left alone: someone may have edited them in the admin,
        # and saving them again would mark them "Updated" and add a revision each run.
        for item in DEMO_ARTICLES:
            if item["slug"] in existing:
                continue
            article_create(
                slug=item["slug"],
                headline=item["headline"],
                standfirst=item["standfirst"],
                body=paragraphs_from_text(item["body"]),
                authors=[author_get_or_create(display_name=name) for name in item["authors"]],
                tags=item["tags"],
                section=sections[item["section"]],
                publish=True,
                published_at=now - timedelta(hours=item["hours_ago"]),
                hero_image=demo_picture(item["slug"], *item["picture"]),
            )
        created = len(DEMO_ARTICLES) - len(existing)
        self.stdout.write(f"Demo stories: {created} created, {len(existing)} already there.")
        if not options["no_editor"]:
            for username, role in DEMO_ACCOUNTS:
                self._ensure_staff(username, role)
            self.stdout.write(
                self.style.SUCCESS(
                    "Demo staff: log in at the site's /admin/ as "
                    + ", ".join(f"{username!r} ({role})" for username, role in DEMO_ACCOUNTS)
                    + f", each with password {DEMO_PASSWORD!r}."
                )
            )

    def _ensure_staff(self, username: str, role: str):
        user, _ = get_user_model().objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.com"}
        )
        # Role accounts, not superusers: the demo shows the admin each role really gets.
        user.is_staff = True
        user.is_superuser = False
        user.set_password(DEMO_PASSWORD)
        user.save()
        user.groups.add(Group.objects.get(name=role))
        # Moderators comment too: give them a verified address like any reader.
        EmailAddress.objects.get_or_create(
            user=user, email=user.email, defaults={"verified": True, "primary": True}
        )
