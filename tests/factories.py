from datetime import datetime, timedelta

from django.utils import timezone

import factory
from factory.django import DjangoModelFactory

from accounts.models import User
from articles.models import Article, Author, Byline, Comment


def ago(**delta) -> datetime:
    """A moment in the past: ``ago(hours=2)``."""
    return timezone.now() - timedelta(**delta)


def from_now(**delta) -> datetime:
    """A moment in the future, for scheduled stories: ``from_now(days=1)``."""
    return timezone.now() + timedelta(**delta)


class UserFactory(DjangoModelFactory):
    class Meta:
        model = User
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"reader{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.com")
    password = factory.django.Password("correct horse battery staple")


class AuthorFactory(DjangoModelFactory):
    class Meta:
        model = Author

    display_name = factory.Sequence(lambda n: f"Reporter {n}")
    slug = factory.Sequence(lambda n: f"reporter-{n}")


class ArticleFactory(DjangoModelFactory):
    """A published article with one byline; pass ``authors=[...]`` or ``tags=[...]`` to set them."""

    class Meta:
        model = Article
        skip_postgeneration_save = True

    headline = factory.Sequence(lambda n: f"Story number {n}")
    slug = factory.Sequence(lambda n: f"story-{n}")
    standfirst = "What happened, in one sentence."
    body = "<p>First paragraph.</p><p>Second paragraph.</p>"
    status = Article.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - timezone.timedelta(hours=1))

    class Params:
        draft = factory.Trait(status=Article.Status.DRAFT, published_at=None)

    @factory.post_generation
    def authors(self, create, extracted, **kwargs):
        if not create:
            return
        for position, author in enumerate(extracted or [AuthorFactory()]):
            Byline.objects.create(article=self, author=author, position=position)

    @factory.post_generation
    def tags(self, create, extracted, **kwargs):
        if create and extracted:
            self.tags.set(extracted)


class CommentFactory(DjangoModelFactory):
    class Meta:
        model = Comment

    article = factory.SubFactory(ArticleFactory)
    author = factory.SubFactory(UserFactory)
    body = "A thoughtful comment."
    status = Comment.Status.VISIBLE


def staff_user(username: str, role: str) -> User:
    """A staff account in a newsroom role group ("Writer", "Editor"), made by the migration."""
    from importlib import import_module

    from django.apps import apps
    from django.contrib.auth.models import Group

    if not Group.objects.filter(name=role).exists():
        # Transactional (browser) tests flush the database, the migration's groups with it.
        import_module("articles.migrations.0004_writer_and_editor_roles").create_roles(apps, None)
    user = UserFactory(username=username, is_staff=True)
    user.groups.add(Group.objects.get(name=role))
    return user


def png_bytes(width: int = 1600, height: int = 900, image_format: str = "PNG") -> bytes:
    """A real picture, made in memory, for upload tests."""
    from io import BytesIO

    from PIL import Image

    buffer = BytesIO()
    Image.new("RGB", (width, height), (30, 120, 200)).save(buffer, format=image_format)
    return buffer.getvalue()


class VerifiedUserFactory(UserFactory):
    """A reader whose email address allauth has verified: one who may comment."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def verified_email(self, create, extracted, **kwargs):
        if create:
            from allauth.account.models import EmailAddress

            EmailAddress.objects.update_or_create(
                user=self, email=self.email, defaults={"verified": True, "primary": True}
            )
