"""The demo company's departments and people: coe's part of ``seed_demo``.

Every app may have a ``demo.py`` with ``seed()``; the command calls them in dependency order.
Idempotent: it compares before it writes, so a second run changes nothing."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction

from coe import services
from coe.models import Department, User
from coe.permissions import SYSTEM
from coe.roles import Role

DEPARTMENTS = [
    (
        "Social Media CoE",
        "social-media-coe",
        "The center of excellence: strategy, governance, training and measurement for social media across the company.",
    ),
    (
        "Marketing",
        "marketing",
        "Brand, campaigns and product marketing; the busiest publisher on the corporate channels.",
    ),
    (
        "Customer Service",
        "customer-service",
        "Answers customers on social within the service-level targets; runs the support handles.",
    ),
    ("Sales", "sales", "Social selling and account-based programmes; employee advocacy on LinkedIn."),
    ("PR & Communications", "pr-communications", "Press relations, corporate news and crisis communications."),
    ("Legal", "legal", "Reviews claims, disclosures, contests and regulated content."),
    ("HR", "hr", "Employer brand, recruiting posts and the employee social media policy."),
    ("Product", "product", "Release notes, betas and community feedback from product teams."),
    ("IT & Security", "it-security", "Account security, access to social tools and the tech stack."),
    ("Finance", "finance", "Budgets for paid social, tools and agencies; ROI figures."),
    ("Investor Relations", "investor-relations", "Disclosure-sensitive posts around results and shareholder events."),
    ("Executive Office", "executive-office", "The leadership team and their own social presence."),
]


@dataclass(frozen=True)
class DemoPerson:
    username: str
    first_name: str
    last_name: str
    role: Role
    department: str
    time_zone: str = "Europe/London"
    leads: str | None = None  # slug of the department this person leads


# The people whose logins are printed (DESIGN.md "Contracts").
ROLE_USERS = [
    DemoPerson("manager", "Morgan", "Reyes", Role.COE_MANAGER, "social-media-coe", "Europe/London", "social-media-coe"),
    DemoPerson("member", "Sam", "Okafor", Role.COE_MEMBER, "social-media-coe", "Europe/London"),
    DemoPerson("liaison", "Lena", "Fischer", Role.LIAISON, "marketing", "Europe/Berlin"),
    DemoPerson("liaison_cs", "Carlos", "Mendes", Role.LIAISON, "customer-service", "America/Sao_Paulo"),
    DemoPerson("approver", "Priya", "Raman", Role.APPROVER, "legal", "America/New_York"),
    DemoPerson("employee", "Eli", "Novak", Role.EMPLOYEE, "sales", "America/Chicago"),
    DemoPerson(
        "leader", "Diana", "Brooks", Role.LEADERSHIP, "executive-office", "America/New_York", "executive-office"
    ),
]

_LEADS = {
    "marketing": ("Hannah", "Park"),
    "customer-service": ("Omar", "Haddad"),
    "sales": ("Grace", "Whitfield"),
    "pr-communications": ("Julien", "Moreau"),
    "legal": ("Tomás", "Alvarez"),
    "hr": ("Aisha", "Bello"),
    "product": ("Kenji", "Watanabe"),
    "it-security": ("Nora", "Lindqvist"),
    "finance": ("Victor", "Osei"),
    "investor-relations": ("Claire", "Dubois"),
}
_STAFF = [
    ("Ava", "Thompson"),
    ("Ben", "Carter"),
    ("Chloe", "Nguyen"),
    ("Daniel", "Kim"),
    ("Emma", "Rossi"),
    ("Felix", "Wagner"),
    ("Gita", "Sharma"),
    ("Hugo", "Laurent"),
    ("Ines", "Costa"),
    ("Jonas", "Berg"),
    ("Kara", "Singh"),
    ("Liam", "O'Brien"),
    ("Mia", "Schulz"),
    ("Noah", "Adeyemi"),
    ("Olivia", "Martin"),
    ("Pablo", "Ruiz"),
    ("Quinn", "Murphy"),
    ("Rosa", "Ferreira"),
    ("Sven", "Larsen"),
    ("Tara", "Patel"),
    ("Umar", "Farouk"),
    ("Vera", "Novikova"),
    ("Will", "Harris"),
    ("Yara", "Haddad"),
]


def _everyone() -> list[DemoPerson]:
    people = list(ROLE_USERS)
    for slug, (first, last) in _LEADS.items():
        people.append(DemoPerson(f"{slug}-lead", first, last, Role.APPROVER, slug, leads=slug))
    staff_departments = [slug for _, slug, _ in DEPARTMENTS if slug not in {"social-media-coe", "executive-office"}]
    for index, (first, last) in enumerate(_STAFF):
        slug = staff_departments[index % len(staff_departments)]
        people.append(DemoPerson(f"{first}.{last}".lower().replace("'", ""), first, last, Role.EMPLOYEE, slug))
    return people


def _upsert_person(spec: DemoPerson, departments: dict[str, Department], password: str) -> User:
    person, created = get_user_model().objects.get_or_create(username=spec.username)
    if created or not person.check_password(password):
        person.set_password(password)
        person.save(update_fields=["password"])
    wanted = {
        "first_name": spec.first_name,
        "last_name": spec.last_name,
        "email": f"{spec.username.replace('_', '.')}@example.com",
        "time_zone": spec.time_zone,
        "is_active": True,
    }
    changes = {name: value for name, value in wanted.items() if getattr(person, name) != value}
    if {d.pk for d in person.departments.all()} != {departments[spec.department].pk}:
        changes["departments"] = [departments[spec.department]]
    if person.role != spec.role:
        changes["role"] = spec.role
    if changes:
        services.person_update(actor=SYSTEM, person=person, changes=changes)
    return person


@transaction.atomic
def seed() -> None:
    """Departments with their leads, the role users and a few colleagues in every department."""
    departments: dict[str, Department] = {}
    for name, slug, description in DEPARTMENTS:
        department = Department.objects.filter(slug=slug).first()
        if department is None:
            department = services.department_create(actor=SYSTEM, name=name, slug=slug, description=description)
        elif (department.name, department.description) != (name, description):
            department = services.department_update(
                actor=SYSTEM, department=department, changes={"name": name, "description": description}
            )
        departments[slug] = department

    password = settings.DEMO_PASSWORD
    for spec in _everyone():
        person = _upsert_person(spec, departments, password)
        if spec.leads and departments[spec.leads].lead_id != person.pk:
            departments[spec.leads] = services.department_update(
                actor=SYSTEM, department=departments[spec.leads], changes={"lead": person}
            )
