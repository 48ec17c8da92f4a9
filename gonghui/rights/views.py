"""What the rights pages share: the form page (GET shows it, a POST that passes the form runs
the service and redirects, a refused one shows every error), file downloads and list filters.
The sub-domains' own views live in their packages."""

from collections.abc import Callable

from django.contrib import messages
from django.shortcuts import redirect, render

from gonghui.core.errors import ServiceError
from gonghui.core.pages import form_apply_error
from gonghui.rights import attachments


def form_page(
    request,
    form,
    *,
    title: str,
    crumbs: list[tuple[str, str]],
    on_valid: Callable[[dict], object],
    success: Callable[[object], str],
    message: str | Callable[[object], str] = "已保存。",
    submit: str = "保存",
    intro: str = "",
    cancel: str | None = None,
    extra: dict | None = None,
    template: str = "rights/form.html",
):
    """Render `form`; on a valid POST call `on_valid(cleaned_data)` (one service call) and
    redirect to `success(result)`; a service's refusal lands on the form's fields."""
    if request.method == "POST" and form.is_valid():
        try:
            result = on_valid(form.cleaned_data)
        except ServiceError as exc:
            form_apply_error(request, form, exc)
        else:
            messages.success(request, message(result) if callable(message) else message)
            return redirect(success(result))
    return render(
        request,
        template,
        {
            "form": form,
            "title": title,
            "crumbs": crumbs,
            "submit": submit,
            "intro": intro,
            "cancel": cancel or (crumbs[-1][1] if crumbs else ""),
            "multipart": any(f.widget.needs_multipart_form for f in form.fields.values()),
            **(extra or {}),
        },
    )


def post_action(request, call: Callable[[], object], *, success: str, message: str):
    """A button that posts (draft a letter, close a season): run the service, say what
    happened, go back."""
    try:
        call()
    except ServiceError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, message)
    return redirect(success)


def file_response(stored, *, personal: bool = False):
    """A stored attachment's file (served only through scoped views)."""
    return attachments.file_response(stored, personal=personal)


def get_int(source, key: str) -> int | None:
    raw = (source.get(key) or "").strip()
    return int(raw) if raw.isdigit() and len(raw) < 19 else None


def filters(source, keys) -> dict:
    return {k: (source.get(k) or "").strip() for k in keys}
