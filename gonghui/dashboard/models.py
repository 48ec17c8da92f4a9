"""The dashboard app's models: every sub-domain's, re-exported."""

from gonghui.dashboard.returns.models import *  # noqa: F403
