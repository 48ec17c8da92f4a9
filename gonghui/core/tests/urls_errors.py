"""The site's URLs plus views that fail on purpose, for the error page tests
(`@pytest.mark.urls("gonghui.core.tests.urls_errors")`)."""

from django.core.exceptions import PermissionDenied
from django.urls import path

from gonghui.urls import handler400, handler403, handler404, handler500, urlpatterns

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]


def denied(request):
    raise PermissionDenied


def broken(request):
    raise RuntimeError("boom")


urlpatterns = [
    path("orgs/__denied__/", denied),
    path("orgs/__broken__/", broken),
    path("portal/__denied__/", denied),
    path("portal/__broken__/", broken),
    path("join/__broken__/", broken),
    path("api/__broken__/", broken),
    *urlpatterns,
]
