"""Charts as PNG or PDF files, drawn by kaleido in a headless Chromium on the server.

Kaleido needs a Chromium-based browser (on Debian: ``apt-get install chromium``). Without one,
``images_available()`` is False and ``chart_images`` raises an ExportError with a plain sentence
the app can show. One browser is started for a whole batch of figures. MathJax is switched off, so
that the browser never reaches for a CDN: the plotly.js kaleido loads is the copy inside plotly.
"""

from __future__ import annotations

import asyncio
import shutil
import threading
from collections.abc import Mapping, Sequence
from typing import Any

import plotly.graph_objects as go

from finance.errors import ExportError

FORMATS = ("png", "pdf", "svg")
NO_BROWSER = "PNG/PDF export needs Chromium on the server; it is not installed here."
BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")


def browser_path() -> str | None:
    """The Chromium kaleido will use, or None (BROWSER_PATH, then the usual names and places)."""
    try:
        from choreographer.browsers.chromium import Chromium

        found = Chromium.find_browser(skip_local=False)
        if found:
            return str(found)
    except Exception:  # an internal API of kaleido's browser driver: fall back to PATH
        pass
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def images_available() -> bool:
    """True when PNG/PDF export can work here (kaleido is installed and finds a browser)."""
    try:
        import kaleido  # noqa: F401
    except ImportError:
        return False
    return browser_path() is not None


def chart_images(
    figures: Mapping[str, go.Figure], fmt: str = "png", *, width: int = 1000, height: int | None = None, scale: float = 2.0
) -> dict[str, bytes]:
    """Each figure as image bytes in ``fmt`` (png, pdf or svg), keyed as given.

    height defaults to the figure's own layout height (else 560 px); scale sharpens PNGs.
    """
    return chart_images_by_format(figures, (fmt,), width=width, height=height, scale=scale)[fmt]


def chart_images_by_format(
    figures: Mapping[str, go.Figure],
    formats: Sequence[str] = ("png", "pdf"),
    *,
    width: int = 1000,
    height: int | None = None,
    scale: float = 2.0,
) -> dict[str, dict[str, bytes]]:
    """Every figure in every format, drawn by one browser: {format: {name: bytes}}."""
    for fmt in formats:
        if fmt not in FORMATS:
            raise ExportError(f"Charts can be exported as {', '.join(FORMATS)}, not '{fmt}'.")
    if not figures:
        return {fmt: {} for fmt in formats}
    if not images_available():
        raise ExportError(NO_BROWSER)
    jobs = [
        (fmt, name, figure.to_dict(), {"format": fmt, "width": width, "height": height or figure.layout.height or 560, "scale": scale})
        for fmt in formats
        for name, figure in figures.items()
    ]
    images: dict[str, dict[str, bytes]] = {fmt: {} for fmt in formats}
    for fmt, name, image in _in_own_thread(jobs):
        images[fmt][name] = image
    return images


def _in_own_thread(jobs: list[tuple[str, str, dict[str, Any], dict[str, Any]]]) -> list[tuple[str, str, bytes]]:
    """Run the browser in a fresh event loop on its own thread: safe from Streamlit, scripts and notebooks alike."""
    outcome: dict[str, Any] = {}

    def work() -> None:
        try:
            outcome["images"] = asyncio.run(_render(jobs))
        except Exception as exc:  # reported below as one sentence
            outcome["error"] = exc

    thread = threading.Thread(target=work, name="chart-images", daemon=True)
    thread.start()
    thread.join()
    if "error" in outcome:
        error = outcome["error"]
        if type(error).__name__ == "ChromeNotFoundError":
            raise ExportError(NO_BROWSER) from None
        first_line = (str(error).strip().splitlines() or [type(error).__name__])[0]
        raise ExportError(f"The charts could not be drawn as images ({first_line}).") from None
    return outcome["images"]


async def _render(jobs: list[tuple[str, str, dict[str, Any], dict[str, Any]]]) -> list[tuple[str, str, bytes]]:
    import kaleido

    images = []
    async with kaleido.Kaleido(n=1, mathjax=False, timeout=90) as browser:
        for fmt, name, figure, options in jobs:
            images.append((fmt, name, await browser.calc_fig(figure, opts=options)))
    return images
