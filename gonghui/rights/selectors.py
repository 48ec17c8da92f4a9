"""The rights app's reads that other modules use (the workforce module's nomination
pre-check): the set-based rights status of employers. The app's other reads live in its
sub-domains' selectors."""

from gonghui.rights.employers.risk import RightsStatus
from gonghui.rights.employers.selectors import employer_rights_status

__all__ = ["RightsStatus", "employer_rights_status"]
