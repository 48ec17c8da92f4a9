import pytest

from gonghui.testing.fixtures import make_user


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def editors(tree):
    """Three county people for the three stages: two county staff (初审, 复审) and the
    county admin (终审, the only role the default settings allow for it)."""

    class Editors:
        first = make_user("editor_first", "county_staff", tree.county)
        second = make_user("editor_second", "county_staff", tree.county)
        chief = make_user("chief_editor", "county_admin", tree.county)

    return Editors
