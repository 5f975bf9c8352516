from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from articles.roles import ROLES


class Command(BaseCommand):
    help = (
        "Give a user a newsroom role (Writer, Editor or Moderator): makes them staff and puts "
        "them in that group. --remove takes the role away."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", help=", ".join(ROLES))
        parser.add_argument("--remove", action="store_true", help="take the role away instead")

    @transaction.atomic
    def handle(self, *args, username, role, remove, **options):
        role = role.strip().capitalize()
        if role not in ROLES:
            raise CommandError(f"Unknown role {role!r}; choose one of {', '.join(ROLES)}.")
        try:
            group = Group.objects.get(name=role)
        except Group.DoesNotExist:
            raise CommandError(f"The {role} group does not exist yet; run migrate.") from None
        try:
            user = get_user_model().objects.get(username=username)
        except get_user_model().DoesNotExist:
            raise CommandError(f"No user called {username!r}.") from None
        if remove:
            user.groups.remove(group)
            if not user.is_superuser and not user.groups.filter(name__in=ROLES).exists():
                user.is_staff = False
                user.save(update_fields=["is_staff"])
            self.stdout.write(f"{username} is no longer a {role}.")
            return
        user.is_staff = True
        user.save(update_fields=["is_staff"])
        user.groups.add(group)
        self.stdout.write(self.style.SUCCESS(f"{username} is now a {role}."))
