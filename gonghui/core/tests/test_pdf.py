"""gonghui.core.pdf: Chinese text with the Noto CJK fonts embedded, and no resource loaded
from the network or from files outside the fonts and the uploads."""

import pytest

from gonghui.core import pdf
from gonghui.core.testing.pdf import pdf_objects, pdf_titles


def test_chinese_html_becomes_a_pdf_with_embedded_fonts_and_a_title():
    fonts = pdf.font_files()
    html = (
        "<html><head><style>"
        f'@font-face {{ font-family: "G"; src: url("{fonts["serif"]}"); }}'
        'body { font-family: "G"; }</style></head>'
        "<body><h1>工会简报</h1><p>职工之家</p></body></html>"
    )
    content = pdf.html_to_pdf(html, title="测试文件")
    assert content.startswith(b"%PDF-")
    assert sorted(pdf_titles(content)) == sorted(["测试文件", "工会简报"])  # info, bookmark
    assert b"/FontFile" in pdf_objects(content)


def test_the_fetcher_refuses_the_network_and_files_outside_fonts_and_uploads(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    (tmp_path / "media").mkdir()
    inside = tmp_path / "media" / "ok.txt"
    inside.write_text("ok")
    outside = tmp_path / "secret.txt"
    outside.write_text("secret")
    fetcher = pdf._local_fetcher()
    for url in ("http://example.com/a.png", "https://example.com/a.css", outside.as_uri()):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    with pytest.raises(ValueError):  # a path that climbs out of the uploads folder
        fetcher.fetch((tmp_path / "media").as_uri() + "/../secret.txt")
    response = fetcher.fetch(inside.as_uri())
    assert response.read() == b"ok"
    response.close()
