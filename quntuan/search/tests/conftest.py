import pytest

from quntuan.cases.tests.core_fixtures import build_world, monday  # noqa: F401
from quntuan.search.services import index_rebuild


@pytest.fixture
def world(db, monday, django_capture_on_commit_callbacks):  # noqa: F811
    """The cases app's small district (two districts, union/women/youth with staff, residents,
    supervisors, an administrator, a union service), with every on-commit index refresh run."""
    with django_capture_on_commit_callbacks(execute=True):
        built = build_world()
    index_rebuild()
    return built


@pytest.fixture
def fresh(django_capture_on_commit_callbacks):
    """Run the search index's on-commit refreshes of what happens inside the block."""
    return lambda: django_capture_on_commit_callbacks(execute=True)
