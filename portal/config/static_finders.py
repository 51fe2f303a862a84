"""Plotly's JavaScript as a static file of the portal, taken from the installed ``plotly`` package.

The charts load ``{% static 'vendor/plotly.min.js' %}``, served by whitenoise (no CDN). The file
is not copied into the repository: this finder offers the bundle that ships inside the Python
package, so ``collectstatic`` (a Heroku build, ``make prod``) and the development server always
serve the version pinned in the requirements, with no build step to forget.
"""
from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from django.contrib.staticfiles.finders import BaseFinder
from django.core.checks import Error
from django.core.files.storage import FileSystemStorage

PREFIX = "vendor"
BUNDLE = "plotly.min.js"


def plotly_package_data() -> Path:
    """The folder of the installed plotly package that holds ``plotly.min.js``."""
    import plotly

    return Path(plotly.__file__).parent / "package_data"


class PlotlyBundleFinder(BaseFinder):
    """Finds ``vendor/plotly.min.js`` and nothing else."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=plotly_package_data())
        self.storage.prefix = PREFIX  # collectstatic and whitenoise put the file under vendor/

    def check(self, **kwargs):
        if not self.storage.exists(BUNDLE):
            return [Error(f"{BUNDLE} is missing from the installed plotly package "
                          f"({self.storage.location}): reinstall plotly (requirements.txt).",
                          id="portal.E001")]
        return []

    # RemovedInDjango61Warning: the **kwargs (legacy `all`) go with Django 6.1.
    def find(self, path: str, find_all: bool = False, **kwargs) -> str | list[str]:
        if path != f"{PREFIX}/{BUNDLE}" or not self.storage.exists(BUNDLE):
            return [] if find_all else ""
        found = self.storage.path(BUNDLE)
        return [found] if find_all else found

    def list(self, ignore_patterns) -> Iterator[tuple[str, FileSystemStorage]]:
        if self.storage.exists(BUNDLE):
            yield BUNDLE, self.storage
