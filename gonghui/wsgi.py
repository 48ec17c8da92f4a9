import gc
import os

from django.core.wsgi import get_wsgi_application
from django.urls import get_resolver

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "gonghui.settings")
application = get_wsgi_application()

# Import every URLconf (views, API routers and their schemas) now rather than in the first
# request, then take everything loaded so far out of the cyclic garbage collector's scans
# (gc.freeze): a full collection then walks only what requests create, not the ~340,000
# objects of the loaded application (about 0.2 s of every worker thread stopped otherwise).
get_resolver().url_patterns  # noqa: B018
gc.collect()
gc.freeze()
