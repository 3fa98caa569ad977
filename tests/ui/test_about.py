"""The About page: renders on the sample with its title, intro and the model in plain words."""

from __future__ import annotations

from tests.ui.apptest import PAGE_TEXT, open_app


def test_renders_with_title_intro_and_its_sections():
    at = open_app("About")
    title, intro = PAGE_TEXT["About"]
    assert at.title[0].value == title
    assert intro in at.markdown[0].value
    text = "\n".join(m.value for m in at.markdown)
    for heading in ("### The question", "### How it is worked out", "### The what-if sidebar", "### Data", "### Indicative only"):
        assert heading in text
    assert "Open Government Licence v3.0" in text
    assert not at.get("plotly_chart") and not at.metric
