"""Settings that only show outside the test overrides."""

import os
import subprocess
import sys

import pytest
from django.core.cache.backends.db import DatabaseCache
from django.core.management import call_command


def test_production_settings_share_the_rate_limit_cache_across_processes(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'gonghui.settings';"
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    env = {**os.environ, "GONGHUI_VAR_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"


@pytest.mark.django_db(transaction=True)
def test_the_database_cache_counts_for_every_process(settings):
    call_command("createcachetable", "gonghui_cache_test", verbosity=0)
    # Two cache objects stand for two web processes: a hit counted by one is seen by the other.
    first = DatabaseCache("gonghui_cache_test", {})
    second = DatabaseCache("gonghui_cache_test", {})
    first.add("join-status-ip:203.0.113.9", 0, 60)
    first.incr("join-status-ip:203.0.113.9")
    assert second.incr("join-status-ip:203.0.113.9") == 2
