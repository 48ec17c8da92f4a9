"""Suite-wide test setup. The database (PostgreSQL cluster or SQLite) is chosen in
gonghui/core/testing/db_plugin.py; shared fixtures live in gonghui/testing/fixtures.py."""

pytest_plugins = [
    "gonghui.core.testing.db_plugin",
    "gonghui.testing.fixtures",
    "gonghui.core.testing.browser",
]
