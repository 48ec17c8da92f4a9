import pytest


@pytest.fixture(autouse=True)
def _imports_isolation(settings, tmp_path):
    """Each test gets its own MEDIA_ROOT and runs tasks immediately."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
