"""Settings that only show outside the test overrides."""

import base64
import json
import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest


def test_production_settings_share_the_database_cache_across_processes(tmp_path):
    code = (
        "import django, os; os.environ['DJANGO_SETTINGS_MODULE'] = 'gonghui.settings';"
        "from django.conf import settings; print(settings.CACHES['default']['BACKEND'])"
    )
    env = {**os.environ, "GONGHUI_VAR_DIR": str(tmp_path)}
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "django.core.cache.backends.db.DatabaseCache"


def clean_env(var_dir, extra: dict[str, str]) -> dict[str, str]:
    """The environment of a fresh installation: none of this test process's GONGHUI_*
    settings, nor its DJANGO_* ones (the browser tests set DJANGO_ALLOW_ASYNC_UNSAFE)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GONGHUI_", "DJANGO_"))}
    return {**env, **extra, "GONGHUI_VAR_DIR": str(var_dir)}


def run_snippet(code: str, env: dict[str, str]) -> dict:
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="module")
def var_dir(tmp_path_factory) -> Path:
    """A var/ directory with the static files collected as with debug off (hashed names,
    gzip copies), as `make run` and an installation do; shared by the tests below."""
    path = tmp_path_factory.mktemp("var")
    env = clean_env(path, {"GONGHUI_DEBUG": "0"})
    gonghui = Path(sys.executable).with_name("gonghui")
    subprocess.run([str(gonghui), "collectstatic", "--no-input", "-v0"], env=env, check=True)
    return path


# `make run`'s environment (Makefile, run target): debug off on plain http.
MAKE_RUN_ENV = {"GONGHUI_DEBUG": "0", "GONGHUI_HTTPS": "0"}
MAKE_RUN_PAGES = """
import json, os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "gonghui.settings"
django.setup()
from django.templatetags.static import static
from django.test import Client

client = Client(HTTP_HOST="127.0.0.1")
out = {}
missing = client.get("/no/such/page/")
out["missing"] = [missing.status_code, missing.content.decode()]
login = client.get("/accounts/login/")
out["login_cookies"] = [str(morsel) for morsel in login.cookies.values()]
out["login"] = [login.status_code, login.get("Strict-Transport-Security"),
                login.get("Content-Security-Policy")]
css = static("css/app.css")
asset = client.get(css, HTTP_ACCEPT_ENCODING="gzip")
out["css"] = [css, asset.status_code, asset.get("Content-Encoding"), asset.get("Cache-Control")]
print(json.dumps(out))
"""


def test_make_run_serves_like_production_on_plain_http(var_dir):
    """Debug off: the Chinese 404, hashed and compressed static files served by the app
    (WhiteNoise) with a year's caching; but cookies usable on http://127.0.0.1."""
    result = run_snippet(MAKE_RUN_PAGES, clean_env(var_dir, MAKE_RUN_ENV))

    status, body = result["missing"]
    assert status == 404
    assert "<title>页面不存在 ·" in body and "您要找的页面不存在" in body
    assert "URLconf" not in body and "Page not found" not in body

    assert result["login_cookies"], "the login page sets the CSRF cookie"
    status, hsts, csp = result["login"]
    assert (status, hsts) == (200, None)  # no redirect to https, no HSTS on localhost
    assert "script-src 'self'" in csp  # but the same Content-Security-Policy
    assert all("secure" not in cookie.lower() for cookie in result["login_cookies"])

    url, status, encoding, cache = result["css"]
    assert re.fullmatch(r"/static/css/app\.[0-9a-f]{12}\.css", url)
    assert f'href="{url}"' in body
    assert (status, encoding) == (200, "gzip")
    assert "immutable" in cache and "max-age=315360000" in cache


# --- production settings (docs/deployment.md) ---------------------------------------------

ROOT = Path(__file__).resolve().parents[3]


def documented_production_env() -> dict[str, str]:
    """The settings block of docs/deployment.md, with its placeholder keys filled in."""
    text = (ROOT / "docs" / "deployment.md").read_text()
    block = text.split("## Settings (environment)", 1)[1].split("```", 2)[1]
    env = {}
    for line in block.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, _, value = line.partition("=")
            env[name] = value
    env["GONGHUI_SECRET_KEY"] = secrets.token_urlsafe(50)
    env["GONGHUI_DATA_KEY"] = base64.b64encode(secrets.token_bytes(32)).decode()
    return env


def test_the_deploy_check_is_clean_with_the_documented_production_settings(tmp_path):
    documented = documented_production_env()
    assert documented["GONGHUI_DEBUG"] == "0"
    assert documented["GONGHUI_DATABASE_URL"].startswith("postgres://")
    gonghui = Path(sys.executable).with_name("gonghui")
    out = subprocess.run(
        [str(gonghui), "check", "--deploy", "--fail-level", "WARNING"],
        env=clean_env(tmp_path, documented),
        capture_output=True,
        text=True,
    )
    assert out.returncode == 0, out.stdout + out.stderr
    assert out.stdout.strip() == "System check identified no issues (0 silenced)."


PRODUCTION_HEADERS = """
import json, os
import django
os.environ["DJANGO_SETTINGS_MODULE"] = "gonghui.settings"
django.setup()
from django.test import Client

host = os.environ["GONGHUI_ALLOWED_HOSTS"].split(",")[0]
client = Client(HTTP_HOST=host)
out = {}
plain = client.get("/accounts/login/?next=/orgs/")
out["plain"] = [plain.status_code, plain.get("Location")]
health = client.get("/healthz")
out["health"] = health.status_code
secure = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
out["secure"] = {
    "status": secure.status_code,
    "hsts": secure.get("Strict-Transport-Security"),
    "csp": secure.get("Content-Security-Policy"),
    "cookies": [str(morsel) for morsel in secure.cookies.values()],
}
print(json.dumps(out))
"""


def test_production_settings_send_https_only_and_csp_headers(var_dir):
    env = documented_production_env()
    env.pop("GONGHUI_DATABASE_URL")  # /healthz asks the database: a local SQLite file
    result = run_snippet(PRODUCTION_HEADERS, clean_env(var_dir, env))

    # plain http is sent to https, except the proxy's health check
    assert result["plain"] == [301, "https://gonghui.example.gov.cn/accounts/login/?next=/orgs/"]
    assert result["health"] == 200
    # over https (the proxy says so): HSTS, the CSP, Secure cookies
    secure = result["secure"]
    assert secure["status"] == 200
    assert secure["hsts"] == "max-age=31536000; includeSubDomains; preload"
    policy = dict((name, values) for name, *values in (p.split() for p in secure["csp"].split(";")))
    assert policy["default-src"] == ["'self'"]
    assert policy["script-src"] == ["'self'"]
    assert policy["style-src"] == ["'self'"]
    assert policy["object-src"] == ["'none'"] and policy["frame-ancestors"] == ["'none'"]
    assert secure["cookies"] and all("Secure" in cookie for cookie in secure["cookies"])


def test_the_map_tile_server_is_the_only_other_image_source(var_dir):
    env = {
        **documented_production_env(),
        "GONGHUI_MAP_TILE_URL": "https://webrd0{s}.is.autonavi.com/appmaptile?x={x}&y={y}&z={z}",
    }
    env.pop("GONGHUI_DATABASE_URL")
    result = run_snippet(PRODUCTION_HEADERS, clean_env(var_dir, env))
    images = [p.split()[1:] for p in result["secure"]["csp"].split(";") if "img-src" in p][0]
    assert images == ["'self'", "data:", "https://*.is.autonavi.com"]


@pytest.mark.parametrize(
    ("switch", "header"),
    [("1", "Content-Security-Policy"), ("report-only", "Content-Security-Policy-Report-Only")],
)
def test_gonghui_csp_enforces_or_only_reports(var_dir, switch, header):
    code = PRODUCTION_HEADERS.replace(
        '"csp": secure.get("Content-Security-Policy")',
        f'"csp": [secure.get("Content-Security-Policy"), secure.get("{header}")]',
    )
    env = {**documented_production_env(), "GONGHUI_CSP": switch}
    env.pop("GONGHUI_DATABASE_URL")
    enforced, wanted = run_snippet(code, clean_env(var_dir, env))["secure"]["csp"]
    assert "script-src 'self'" in wanted
    assert (enforced is not None) == (switch == "1")
