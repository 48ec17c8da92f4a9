"""The WSGI entry point gunicorn serves (docs/deployment.md)."""

import os
import subprocess
import sys


def test_the_wsgi_application_loads_its_urls_and_freezes_them_for_the_collector(tmp_path):
    # A full garbage collection in a worker must not walk the whole loaded application
    # (~0.1 s with every thread of the worker stopped): it is frozen once loaded.
    code = (
        "import gc, sys; from gonghui.wsgi import application;"
        "print(gc.get_freeze_count(), 'gonghui.sites.public.api' in sys.modules)"
    )
    env = {
        **os.environ,
        "GONGHUI_VAR_DIR": str(tmp_path),
        "DJANGO_SETTINGS_MODULE": "gonghui.settings",
    }
    out = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True
    )
    frozen, urls_loaded = out.stdout.split()
    assert int(frozen) > 100_000
    assert urls_loaded == "True"
