"""Settings that only show outside the test overrides."""

import json
import os
import re
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


# `make run`'s environment (Makefile, run target): debug off on plain http.
MAKE_RUN_ENV = {"GONGHUI_DEBUG": "0", "GONGHUI_HTTPS": "0"}
MAKE_RUN_PAGES = """
import json, os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "gonghui.settings"
django.setup()
from django.core.management import call_command
from django.templatetags.static import static
from django.test import Client

call_command("collectstatic", interactive=False, verbosity=0)
client = Client(HTTP_HOST="127.0.0.1")
out = {}
missing = client.get("/no/such/page/")
out["missing"] = [missing.status_code, missing.content.decode()]
login = client.get("/accounts/login/")
out["login_cookies"] = [str(morsel) for morsel in login.cookies.values()]
css = static("css/app.css")
asset = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
out["css"] = [css, asset.status_code, asset.get("Content-Encoding"), asset.get("Cache-Control")]
print(json.dumps(out))
"""


def test_make_run_serves_like_production_on_plain_http(tmp_path):
    """Debug off: the Chinese 404, hashed and compressed static files served by the app
    (WhiteNoise) with a year's caching; but cookies usable on http://127.0.0.1."""
    env = {**os.environ, **MAKE_RUN_ENV, "GONGHUI_VAR_DIR": str(tmp_path)}
    env.pop("GONGHUI_SECURE_COOKIES", None)
    out = subprocess.run(
        [sys.executable, "-c", MAKE_RUN_PAGES], env=env, capture_output=True, text=True
    )
    assert out.returncode == 0, out.stderr
    result = json.loads(out.stdout.strip().splitlines()[-1])

    status, body = result["missing"]
    assert status == 404
    assert "<title>页面不存在 ·" in body and "您要找的页面不存在" in body
    assert "URLconf" not in body and "Page not found" not in body

    assert result["login_cookies"], "the login page sets the CSRF cookie"
    assert all("secure" not in cookie.lower() for cookie in result["login_cookies"])

    url, status, encoding, cache = result["css"]
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url)
    assert f'href="{url}"' in body
    assert (status, encoding) == (200, "gzip")
    assert "immutable" in cache and "max-age=315360000" in cache
