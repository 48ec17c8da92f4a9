"""The aid and visit history sections of the archive detail page (an inclusion tag, so the
archive views stay untouched: the page includes assistance/programmes/_archive_sections.html)."""

from django import template

from gonghui.assistance.choices import ArchiveStatus
from gonghui.assistance.programmes.models import GrantStatus
from gonghui.assistance.programmes.selectors import aid_history
from gonghui.assistance.visits.selectors import visit_history
from gonghui.core.modules import Action
from gonghui.core.scope import org_in_scope

register = template.Library()


@register.inclusion_tag("assistance/programmes/_archive_history.html", takes_context=True)
def archive_aid_and_visits(context, archive):
    user = context["request"].user
    grants = aid_history(user, archive)
    return {
        "a": archive,
        "grants": grants,
        "paid_total": sum(g.amount for g in grants if g.status == GrantStatus.DISBURSED),
        "visits": visit_history(user, archive),
        "can_visit": archive.status in (ArchiveStatus.ARCHIVED, ArchiveStatus.WATCHED)
        and org_in_scope(user, "assistance", Action.EDIT, archive.org),
    }
