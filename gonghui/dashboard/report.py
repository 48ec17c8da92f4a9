"""The dashboard's PDF report for a meeting: the page's figures laid out for A4 by WeasyPrint,
the Noto CJK fonts embedded (subset).

The fonts are found by the rights module's 一函两书 helper (`font_files`), imported through that
one function so both PDFs embed the same files; it belongs in core once core has a PDF helper.
"""

from django.template.loader import render_to_string
from django.utils import timezone


def report_html(context: dict) -> str:
    from gonghui.rights.wagechecks.documents import font_files

    return render_to_string(
        "dashboard/report_pdf.html",
        {**context, "fonts": font_files(), "printed_at": timezone.localtime()},
    )


def dashboard_pdf(context: dict) -> bytes:
    from weasyprint import HTML

    return HTML(string=report_html(context)).write_pdf()
