"""Form pieces shared by the outreach sub-domains' forms (each sub-domain's own forms are in
its package's forms.py)."""

from django import forms

from gonghui.core.pages import org_choices


class OrgChoiceField(forms.TypedChoiceField):
    """The union a caravan, activity, contest or team belongs to, from the user's scope."""

    def __init__(self, *, orgs=(), **kwargs):
        super().__init__(coerce=int, choices=[("", "请选择工会")] + org_choices(orgs), **kwargs)
