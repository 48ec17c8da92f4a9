"""The outreach app's models: each sub-domain defines its own, Django loads them from here
(one migrations folder for the app)."""

from gonghui.outreach.activities.models import *  # noqa: F403
from gonghui.outreach.caravans.models import *  # noqa: F403
from gonghui.outreach.contests.models import *  # noqa: F403
from gonghui.outreach.followups.models import *  # noqa: F403
from gonghui.outreach.volunteers.models import *  # noqa: F403
