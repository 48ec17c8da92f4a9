"""The models of hardship assistance, one module per sub-domain (Django loads an app's
models from here; one migrations folder for the app):

archives/models.py   the household archive, its members, attachments, trail, category
                     history, reviews and spot-check draws
standards/models.py  the county's 低保 standard and thresholds, kept as history
monitoring/models.py rules, county settings, facts, runs and alerts (监测预警)
programmes/models.py programmes, budgets, rule versions and grants
visits/models.py     regular visits and their photos
"""

from gonghui.assistance.archives.models import *  # noqa: F403
from gonghui.assistance.archives.models import __all__ as _archives
from gonghui.assistance.monitoring.models import *  # noqa: F403
from gonghui.assistance.monitoring.models import __all__ as _monitoring
from gonghui.assistance.programmes.models import *  # noqa: F403
from gonghui.assistance.programmes.models import __all__ as _programmes
from gonghui.assistance.standards.models import *  # noqa: F403
from gonghui.assistance.standards.models import __all__ as _standards
from gonghui.assistance.visits.models import *  # noqa: F403
from gonghui.assistance.visits.models import __all__ as _visits

__all__ = [*_archives, *_standards, *_monitoring, *_programmes, *_visits]
