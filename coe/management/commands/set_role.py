"""python manage.py set_role <username> <role> — e.g. to name the first CoE manager."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from coe import services
from coe.errors import DomainError
from coe.permissions import SYSTEM
from coe.roles import Role


class Command(BaseCommand):
    help = "Give a person a role: " + ", ".join(Role.values)

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("role", choices=Role.values)

    def handle(self, *args, username: str, role: str, **options):
        person = get_user_model().objects.filter(username=username).first()
        if person is None:
            raise CommandError(f"Nobody is called {username!r}; create them first (createsuperuser or the admin).")
        try:
            services.person_set_role(actor=SYSTEM, person=person, role=role)
        except DomainError as error:
            raise CommandError(error.message) from error
        self.stdout.write(self.style.SUCCESS(f"{person} is now {Role(role).label}."))
