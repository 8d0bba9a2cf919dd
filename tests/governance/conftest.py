"""Governance fixtures: the standard people (tests/conftest.py) and publishing's channels and
post helper for the rules and crisis tests."""

from tests.publishing.conftest import later, make_post, pub  # noqa: F401 - fixtures shared with publishing
