"""The printable 一函两书: one HTML template (also the browser's print view) turned into a PDF by
WeasyPrint with the Noto CJK fonts embedded (subset; gonghui.core.pdf), or into a .docx by
python-docx.
"""

import io

from django.template.loader import render_to_string

from gonghui.core.pdf import font_files, html_to_pdf
from gonghui.rights.wagechecks.models import NoticeSettings, NoticeStep, WageNotice

TITLES = {
    NoticeStep.PROMPT: "工会劳动法律监督提示函",
    NoticeStep.OPINION: "工会劳动法律监督意见书",
    NoticeStep.RECOMMENDATION: "工会劳动法律监督建议书",
}
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def notice_context(notice: WageNotice, settings_row: NoticeSettings) -> dict:
    return {
        "n": notice,
        "title": TITLES[notice.step],
        "settings": settings_row,
        "paragraphs": [line for line in notice.body.splitlines() if line.strip()],
        "fonts": font_files(),
    }


def notice_html(notice: WageNotice, settings_row: NoticeSettings, *, for_pdf: bool = False) -> str:
    return render_to_string(
        "rights/wagechecks/notice_print.html",
        {**notice_context(notice, settings_row), "for_pdf": for_pdf},
    )


def notice_pdf(notice: WageNotice, settings_row: NoticeSettings) -> bytes:
    return html_to_pdf(notice_html(notice, settings_row, for_pdf=True))


def notice_docx(notice: WageNotice, settings_row: NoticeSettings) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.oxml.ns import qn
    from docx.shared import Pt

    context = notice_context(notice, settings_row)
    document = Document()
    style = document.styles["Normal"]
    style.font.name = "Noto Serif CJK SC"
    style.element.rPr.rFonts.set(qn("w:eastAsia"), "Noto Serif CJK SC")
    style.font.size = Pt(14)

    def centred(text: str, size: int, bold: bool = False):
        paragraph = document.add_paragraph()
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
        run = paragraph.add_run(text)
        run.font.size = Pt(size)
        run.bold = bold

    centred(settings_row.letterhead, 22, bold=True)
    centred(context["title"], 18, bold=True)
    if notice.number:
        centred(notice.number, 12)
    for line in context["paragraphs"]:
        document.add_paragraph(line)
    if notice.copy_to:
        document.add_paragraph(f"抄送：{notice.copy_to}")
    closing = document.add_paragraph(settings_row.letterhead)
    closing.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    day = notice.issued_on or notice.created_at_date
    dated = document.add_paragraph(f"{day.year}年{day.month}月{day.day}日")
    dated.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    contact = "　".join(
        part
        for part in (
            f"联系人：{settings_row.contact}" if settings_row.contact else "",
            f"电话：{settings_row.phone}" if settings_row.phone else "",
            f"地址：{settings_row.address}" if settings_row.address else "",
        )
        if part
    )
    if contact:
        document.add_paragraph(contact)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
