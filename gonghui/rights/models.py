"""The rights app's models, defined in its sub-domains (Django loads an app's models from
here; one migrations folder for the app)."""

from gonghui.rights.bargaining.models import *  # noqa: F403
from gonghui.rights.contracts.models import *  # noqa: F403
from gonghui.rights.legalaid.models import *  # noqa: F403
from gonghui.rights.reminders.models import *  # noqa: F403
from gonghui.rights.supervision.models import *  # noqa: F403
from gonghui.rights.wagechecks.models import *  # noqa: F403
