#!/usr/bin/env python3
"""Full-page screenshots of the main pages, desktop and phone, from a fresh demo database.

    .venv/bin/python scripts/screenshots.py [--out test-artifacts/screenshots] [--keep]

Builds a throwaway site in a temporary GONGHUI_VAR_DIR (migrate + seed-demo), serves it with
runserver on a free port (DEBUG off, so the real 404 page shows), logs in through the login
form as county_admin and township_staff (demo password) and saves
<out>/<viewport>-<user>-<page>.png for desktop (1366 wide) and phone (390 wide). Console
errors, page errors, failed requests and pages wider than the screen are listed at the end;
the exit status is 1 when there were any. Nothing leaves localhost: other hosts are blocked.
"""

import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
DEMO_PASSWORD = "Demo@Gonghui2026"
VIEWPORTS = {
    "desktop": {"viewport": {"width": 1366, "height": 900}},
    "phone": {
        "viewport": {"width": 390, "height": 844},
        "device_scale_factor": 2,
        "is_mobile": True,
        "has_touch": True,
    },
}
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def gonghui(*args: str, env: dict) -> None:
    subprocess.run([str(BIN / "gonghui"), *args], env=env, check=True, cwd=ROOT)


def wait_until_up(url: str, server: subprocess.Popen, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"runserver exited with {server.returncode}")
        try:
            with urllib.request.urlopen(url + "/healthz", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"runserver did not answer on {url} within {seconds}s")


def demo_ids(env: dict) -> dict:
    """Primary keys the pages need, looked up in the demo database."""
    code = """
import json
from gonghui.accounts.models import User
from gonghui.orgs.models import Enterprise, Org
township = User.objects.get(username="township_staff").org
other = Org.objects.filter(parent=township.parent).exclude(pk=township.pk).order_by("code").first()
print(json.dumps({
    "township": township.pk,
    "other_township": other.pk,
    "enterprise_in_township": Enterprise.objects.filter(org__path__startswith=township.path)
        .order_by("pk").first().pk,
    "township_user": User.objects.get(username="township_staff").pk,
    "grassroots_user": User.objects.get(username="grassroots_staff").pk,
}))
"""
    out = subprocess.run(
        [str(BIN / "gonghui"), "shell", "-c", code],
        env=env,
        check=True,
        cwd=ROOT,
        capture_output=True,
        text=True,
    ).stdout
    import json

    return json.loads(out.strip().splitlines()[-1])


def pages_for(username: str, ids: dict) -> list[tuple[str, str]]:
    common = [
        ("home", "/"),
        ("tree", "/orgs/"),
        ("org-list", "/orgs/list/"),
        ("org-detail", f"/orgs/{ids['township']}/"),
        ("enterprise-list", "/orgs/enterprises/"),
        ("enterprise-detail", f"/orgs/enterprises/{ids['enterprise_in_township']}/"),
        ("user-list", "/accounts/users/"),
        ("user-detail", f"/accounts/users/{ids['grassroots_user']}/"),
    ]
    if username == "county_admin":
        return [
            *common,
            ("audit", "/audit/"),
            ("import-new", "/imports/new/orgs/"),
            ("import-new-members", "/imports/new/members/"),
            ("import-preview", "upload"),
            ("import-list", "/imports/"),
            ("404", "/no-such-page/"),
        ]
    return [*common, ("404-out-of-scope", f"/orgs/{ids['other_township']}/")]


def expand_tree(page) -> None:
    """Open the root and its first two children so the shot shows three levels."""
    page.locator("#org-tree > li > .tree-row > .tree-toggle[aria-expanded=false]").first.click()
    page.wait_for_selector("#org-tree > li > ul")
    toggles = page.locator("#org-tree > li > ul > li > .tree-row > .tree-toggle")
    for index in range(min(2, toggles.count())):
        toggles.nth(index).click()
        page.wait_for_function(
            "el => el.getAttribute('aria-expanded') === 'true'",
            arg=toggles.nth(index).element_handle(),
        )


# A small org list with one invalid row (a new org without its type), for the preview page.
IMPORT_CSV = (
    "组织名称,组织编码,上级组织编码,组织类型\n"
    "青禾街道试点社区工会,339901001901,339901001,村(社区)工会\n"
    "青禾街道试点企业工会,339901001902,339901001,\n"
).encode("utf-8-sig")


def upload_for_preview(page) -> None:
    page.goto("/imports/new/orgs/")
    page.locator("select[name=org]").select_option(index=0)
    page.locator("input[type=file]").set_input_files(
        files=[{"name": "试点组织.csv", "mimeType": "text/csv", "buffer": IMPORT_CSV}]
    )
    with page.expect_navigation():
        page.get_by_role("button", name="上传", exact=True).click()


def shoot(base_url: str, out: Path, ids: dict) -> list[str]:
    from playwright.sync_api import sync_playwright

    problems: list[str] = []
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=shutil.which("chromium"), headless=True, args=CHROMIUM_ARGS
        )
        current = {"name": ""}  # the shot being taken, for the problem list

        def on_route(route) -> None:
            url = route.request.url
            if (urlsplit(url).hostname or "") in {"127.0.0.1", "localhost"} or url.startswith(
                "data:"
            ):
                route.continue_()
            else:
                problems.append(f"{current['name']}: blocked {url}")
                route.abort()

        def on_console(message) -> None:
            # The 404 pages' own document load is reported as a console error: expected.
            if message.type == "error" and "status of 404" not in message.text:
                problems.append(f"{current['name']}: console: {message.text}")

        def on_web_error(web_error) -> None:
            problems.append(f"{current['name']}: page error: {web_error.error}")

        for view, options in VIEWPORTS.items():
            for username in ("county_admin", "township_staff", None):
                context = browser.new_context(
                    base_url=base_url, locale="zh-CN", timezone_id="Asia/Shanghai", **options
                )
                context.route("**/*", on_route)
                context.on("console", on_console)
                context.on("weberror", on_web_error)
                page = context.new_page()
                if username is None:  # the login page itself, logged out
                    current["name"] = f"{view}-login"
                    page.goto("/accounts/login/")
                    page.screenshot(path=out / f"{view}-login.png", full_page=True)
                    context.close()
                    continue
                page.goto("/accounts/login/")
                page.fill("#id_username", username)
                page.fill("#id_password", DEMO_PASSWORD)
                with page.expect_navigation():
                    page.click("form button[type=submit]")
                if urlsplit(page.url).path != "/":
                    raise SystemExit(f"login as {username} failed: still on {page.url}")
                user_short = "admin" if username == "county_admin" else "township"
                for name, url in pages_for(username, ids):
                    current["name"] = f"{view}-{user_short}-{name}"
                    if url == "upload":
                        upload_for_preview(page)
                        status = 200
                    else:
                        response = page.goto(url)
                        status = response.status if response else 0
                    if status != 200 and not name.startswith("404"):
                        problems.append(f"{current['name']}: HTTP {status} for {url}")
                    if name == "tree":
                        expand_tree(page)
                        page.evaluate("window.scrollTo(0, 0)")
                    width, inner = page.evaluate(
                        "() => [document.documentElement.scrollWidth, window.innerWidth]"
                    )
                    if width > inner:
                        problems.append(
                            f"{current['name']}: page {width}px wide on a {inner}px screen"
                        )
                    page.screenshot(path=out / f"{current['name']}.png", full_page=True)
                if view == "phone" and username == "county_admin":
                    current["name"] = f"{view}-{user_short}-nav-open"
                    page.goto("/")
                    page.locator("[data-nav-toggle]").tap()
                    page.wait_for_timeout(300)  # the slide-in transition
                    page.screenshot(path=out / f"{current['name']}.png")
                context.close()
        browser.close()
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", default=str(ROOT / "test-artifacts" / "screenshots"))
    parser.add_argument("--keep", action="store_true", help="keep the temporary var dir")
    args = parser.parse_args()
    if not shutil.which("chromium"):
        print("chromium not found (apt-get install chromium fonts-noto-cjk)", file=sys.stderr)
        return 2

    var_dir = Path(tempfile.mkdtemp(prefix="gonghui-shots-"))
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(var_dir),
        "GONGHUI_DEBUG": "0",
        "GONGHUI_SECURE_COOKIES": "0",  # plain http on 127.0.0.1
        "GONGHUI_ALLOWED_HOSTS": "127.0.0.1,localhost",
    }
    for key in ("GONGHUI_DATABASE_URL", "GONGHUI_MEDIA_ROOT", "DJANGO_SETTINGS_MODULE"):
        env.pop(key, None)
    server = None
    try:
        gonghui("migrate", "--no-input", "-v", "0", env=env)
        gonghui("seed-demo", env=env)
        ids = demo_ids(env)
        port = free_port()
        server = subprocess.Popen(
            [str(BIN / "gonghui"), "runserver", "--noreload", "--insecure", f"127.0.0.1:{port}"],
            env=env,
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        base_url = f"http://127.0.0.1:{port}"
        wait_until_up(base_url, server)
        out = Path(args.out)
        problems = shoot(base_url, out, ids)
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        if not args.keep:
            shutil.rmtree(var_dir, ignore_errors=True)
        else:
            print(f"kept {var_dir}")
    shots = sorted(out.glob("*.png"))
    print(f"{len(shots)} screenshots in {out}")
    for problem in problems:
        print("PROBLEM", problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
