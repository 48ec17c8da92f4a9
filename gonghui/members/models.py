"""The models of the members app, one module per sub-domain (Django loads an app's models
from here; one migrations folder for the app):

registry/models.py   the member registry: Member, card-number sequences, membership events
joining/models.py    online joining (网上入会) applications
transfers/models.py  membership transfers (会籍转移)
"""

from gonghui.members.joining.models import *  # noqa: F403
from gonghui.members.joining.models import __all__ as _joining
from gonghui.members.registry.models import *  # noqa: F403
from gonghui.members.registry.models import __all__ as _registry
from gonghui.members.transfers.models import *  # noqa: F403
from gonghui.members.transfers.models import __all__ as _transfers

__all__ = [*_registry, *_joining, *_transfers]
