"""Charts drawn as inline SVG on the server: no chart library, nothing to load.

Every label goes through ``markupsafe.escape``; colours come from CSS classes (the
page's policy forbids inline ``style`` attributes), so the charts follow the print
stylesheet too.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

BAR_HEIGHT = 22
GAP = 8
LABEL_WIDTH = 230
BAR_WIDTH = 220
VALUE_WIDTH = 70


def bar_chart(
    items: Sequence[tuple[str, float, str, str]],
    title: str,
) -> Markup:
    """Horizontal bars: each item is (label, value, css class, value as text)."""
    largest = max((value for _, value, _, _ in items), default=0) or 1
    height = len(items) * (BAR_HEIGHT + GAP) + GAP
    width = LABEL_WIDTH + BAR_WIDTH + VALUE_WIDTH
    parts = [
        f'<svg class="chart" role="img" viewBox="0 0 {width} {height}" '
        f'width="{width}" height="{height}" xmlns="http://www.w3.org/2000/svg">',
        f"<title>{escape(title)}</title>",
    ]
    for n, (label, value, css, text) in enumerate(items):
        y = GAP + n * (BAR_HEIGHT + GAP)
        length = 0 if value <= 0 else max(2.0, BAR_WIDTH * value / largest)
        parts.append(
            f'<text class="chart-label" x="{LABEL_WIDTH - 8}" y="{y + BAR_HEIGHT * 0.7:.1f}" '
            f'text-anchor="end">{escape(label)}</text>'
            f'<rect class="bar {escape(css)}" x="{LABEL_WIDTH}" y="{y}" '
            f'width="{length:.1f}" height="{BAR_HEIGHT}" rx="3"/>'
            f'<text class="chart-value" x="{LABEL_WIDTH + length + 6:.1f}" '
            f'y="{y + BAR_HEIGHT * 0.7:.1f}">{escape(text)}</text>'
        )
    parts.append("</svg>")
    return Markup("".join(parts))
