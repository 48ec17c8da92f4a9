"""The workforce app's models, defined in its sub-domain packages (one migrations folder)."""

from gonghui.workforce.competitions.models import *  # noqa: F403
from gonghui.workforce.honours.models import *  # noqa: F403
from gonghui.workforce.innovations.models import *  # noqa: F403
from gonghui.workforce.mentorships.models import *  # noqa: F403
from gonghui.workforce.pioneers.models import *  # noqa: F403
from gonghui.workforce.studios.models import *  # noqa: F403
