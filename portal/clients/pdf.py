"""A portal page as PDF with WeasyPrint, laid out by the same print stylesheet as the browser's
print. Static files (the stylesheet) are read from the portal's own static folders, never over
the network: rendering never calls back into the server that is answering."""
from __future__ import annotations

import mimetypes
from pathlib import Path
from urllib.parse import urlparse

from django.conf import settings
from django.contrib.staticfiles import finders

BASE_URL = "https://portail.invalid/"  # resolves the page's relative links; never fetched


class PdfUnavailable(Exception):
    """WeasyPrint or the system libraries it needs (Pango) are missing here."""


def _static_fetcher():  # noqa: ANN202 (a weasyprint URLFetcher, imported lazily)
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class StaticOnly(URLFetcher):
        """Serves ``STATIC_URL`` paths from the staticfiles finders; refuses anything else."""

        def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
            path = urlparse(url).path
            found = path.startswith(settings.STATIC_URL) and finders.find(
                path.removeprefix(settings.STATIC_URL))
            if not found:
                raise ValueError(f"not a static file of the portal: {url}")
            kind = mimetypes.guess_type(found)[0] or "application/octet-stream"
            return URLFetcherResponse(url, Path(found).read_bytes(), {"Content-Type": kind})

    return StaticOnly()


def pdf_from_html(html: str) -> bytes:
    """The PDF of ``html`` (print media). Raises ``PdfUnavailable`` without WeasyPrint."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as error:  # OSError: Pango or its friends missing
        raise PdfUnavailable(str(error)) from error
    return HTML(string=html, base_url=BASE_URL, url_fetcher=_static_fetcher()).write_pdf()
