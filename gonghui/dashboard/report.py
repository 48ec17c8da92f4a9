"""The dashboard's PDF report for a meeting: the page's figures laid out for A4 by WeasyPrint
(gonghui.core.pdf: the Noto CJK fonts embedded, nothing fetched from the network)."""

from django.template.loader import render_to_string
from django.utils import timezone

from gonghui.core.pdf import font_files, html_to_pdf


def report_html(context: dict) -> str:
    return render_to_string(
        "dashboard/report_pdf.html",
        {**context, "fonts": font_files(), "printed_at": timezone.localtime()},
    )


def dashboard_pdf(context: dict) -> bytes:
    return html_to_pdf(report_html(context))
