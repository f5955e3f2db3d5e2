"""Fixtures shared by the cases tests (a small district, a Monday to work on, a submitted case)."""

from quntuan.cases.tests.core_fixtures import case, monday, world  # noqa: F401
