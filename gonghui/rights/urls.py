"""The rights app's pages: staff pages under /rights/, the workers' legal-aid pages under
/portal/legal-aid/ (one namespace, "rights"; mounted at the site root by gonghui/urls.py)."""

from django.urls import include, path

from gonghui.rights.bargaining.urls import urlpatterns as bargaining
from gonghui.rights.contracts.urls import urlpatterns as contracts
from gonghui.rights.employers.urls import urlpatterns as employers
from gonghui.rights.legalaid.urls import portal_urlpatterns as legal_aid_portal
from gonghui.rights.legalaid.urls import urlpatterns as legalaid
from gonghui.rights.reminders.urls import urlpatterns as reminders
from gonghui.rights.stats.urls import urlpatterns as stats
from gonghui.rights.supervision.urls import urlpatterns as supervision
from gonghui.rights.wagechecks.urls import urlpatterns as wagechecks

app_name = "rights"
urlpatterns = [
    path(
        "rights/",
        include(
            employers
            + contracts
            + bargaining
            + wagechecks
            + legalaid
            + supervision
            + reminders
            + stats
        ),
    ),
    path("portal/legal-aid/", include(legal_aid_portal)),
]
