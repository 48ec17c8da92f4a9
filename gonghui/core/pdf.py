"""HTML to PDF with WeasyPrint, Chinese fonts embedded, never touching the network.

Fonts: Debian's fonts-noto-cjk (installed by `make test`'s system dependencies and on any
server that prints). WeasyPrint finds them through fontconfig; a template's @font-face rules
name the files too (`font_files()`, passed to the template as `fonts`), so the PDF embeds them
(subset) even where fontconfig's default CJK font differs.

Resources: only `file:` URLs under the font directories and MEDIA_ROOT and `data:` URLs are
loaded; anything else (http, a relative URL without a base) is refused, so rendering a
document never reaches out and never reads files outside those folders. Images of uploaded
files are referenced by `media_uri(field_file)`.
"""

from pathlib import Path
from urllib.parse import unquote, urlparse

from django.conf import settings

FONT_DIRS = ("/usr/share/fonts/opentype/noto", "/usr/share/fonts/noto-cjk")
PDF_TYPE = "application/pdf"


def font_files() -> dict[str, str]:
    """{"serif": file URI, "sans": file URI} of the Noto CJK fonts found on this machine."""
    found = {}
    for directory in FONT_DIRS:
        for key, name in (
            ("serif", "NotoSerifCJK-Regular.ttc"),
            ("sans", "NotoSansCJK-Regular.ttc"),
        ):
            path = Path(directory) / name
            if key not in found and path.exists():
                found[key] = path.as_uri()
    return found


def media_uri(field_file) -> str:
    """The file: URI of a stored upload (FileSystemStorage), for an <img> in a PDF template."""
    return Path(field_file.path).resolve().as_uri()


def _allowed_roots() -> list[Path]:
    return [Path(d).resolve() for d in (*FONT_DIRS, settings.MEDIA_ROOT)]


def _local_fetcher():
    """WeasyPrint's URL fetcher, restricted to data: URLs and files in the allowed folders."""
    from weasyprint.urls import URLFetcher

    class LocalFetcher(URLFetcher):
        def fetch(self, url, headers=None):
            parsed = urlparse(url)
            if parsed.scheme == "file":
                path = Path(unquote(parsed.path)).resolve()
                if not (path.is_file() and any(path.is_relative_to(r) for r in _allowed_roots())):
                    raise ValueError(f"file not allowed in a PDF: {url[:200]}")
            return super().fetch(url, headers)

    return LocalFetcher(allowed_protocols=("file", "data"), allow_redirects=False)


def html_to_pdf(html: str, *, title: str = "") -> bytes:
    """Render an HTML string (a template rendered with `fonts=font_files()`) to PDF bytes."""
    from weasyprint import HTML

    document = HTML(string=html, url_fetcher=_local_fetcher()).render()
    if title:
        document.metadata.title = title
    return document.write_pdf()
