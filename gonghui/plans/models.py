"""The plans app's models: every sub-domain's, re-exported (Django loads them from here)."""

from gonghui.plans.reform.models import *  # noqa: F403
from gonghui.plans.targets.models import *  # noqa: F403
