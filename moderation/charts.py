"""Small bar charts as SVG, drawn on the server (no script, no library): the admin page and the
PDF report show the same picture. A chart is decoration for sighted readers: it is hidden from
screen readers (`aria-hidden`), which read the table it is drawn from, printed beside it."""

import math

from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe

WIDTH, HEIGHT = 560, 170
LEFT, BOTTOM, TOP = 40, 22, 14
BAR = "#2e5d8a"
AXIS = "#555"


def _number(value):
    if isinstance(value, int | float):
        return value
    try:
        return float(str(value).replace(",", ".").replace("%", "").strip())
    except ValueError:
        return 0


def _nice_max(value):
    """The axis' top: the next 1, 2 or 5 × a power of ten above the largest value."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if value <= step * factor:
                return step * factor
        step *= 10


def _short(label):
    """'03/2026' → '03/26' under a bar."""
    return f"{label[:3]}{label[-2:]}" if len(label) == 7 and label[2] == "/" else label


def bar_chart(points, title):
    """The SVG of [(label, value)] as bars, with the axis' top value and every label."""
    values = [_number(v) for _label, v in points]
    top = _nice_max(max(values, default=0))
    inner_w, inner_h = WIDTH - LEFT - 8, HEIGHT - BOTTOM - TOP
    slot = inner_w / max(len(points), 1)
    bar_w = max(min(slot * 0.7, 40), 2)
    bars, labels = [], []
    every = max(1, round(len(points) / 12))  # at most about twelve labels under the bars
    for i, ((label, _value), value) in enumerate(zip(points, values, strict=True)):
        h = inner_h * value / top
        x = LEFT + i * slot + (slot - bar_w) / 2
        bars.append((f"{x:.1f}", f"{TOP + inner_h - h:.1f}", f"{bar_w:.1f}", f"{h:.1f}"))
        if i % every == 0:
            labels.append((f"{x + bar_w / 2:.1f}", HEIGHT - 6, _short(str(label))))
    top_label = f"{top:g}".replace(".", ",")
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="chart" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' aria-hidden="true" focusable="false" font-family="sans-serif" font-size="10">'
        "<title>{title}</title>"
        '<line x1="{left}" y1="{top}" x2="{left}" y2="{base}" stroke="{axis}"/>'
        '<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="{axis}"/>'
        '<text x="{tx}" y="{ty}" text-anchor="end" fill="{axis}">{top_label}</text>'
        '<text x="{tx}" y="{base}" text-anchor="end" fill="{axis}">0</text>'
        "{bars}{labels}</svg>",
        w=WIDTH,
        h=HEIGHT,
        title=title,
        left=LEFT,
        top=TOP,
        base=TOP + inner_h,
        right=WIDTH - 8,
        axis=AXIS,
        tx=LEFT - 4,
        ty=TOP + 4,
        top_label=top_label,
        bars=format_html_join("", '<rect x="{}" y="{}" width="{}" height="{}" fill="' + BAR + '"/>', bars),
        labels=format_html_join(
            "", '<text x="{}" y="{}" text-anchor="middle" fill="' + AXIS + '">{}</text>', labels
        )
        if labels
        else mark_safe(""),  # noqa: S308 — an empty string
    )


def commune_map(accesses, places, title, size=420):
    """An SVG map of the département's communes (dots; the uncovered ones larger, in red) and of
    the first-reception places (squares), for the printed report. Equirectangular: at a
    département's scale, longitude degrees are shortened by the cosine of the mean latitude."""
    points = [a for a in accesses if a.commune.latitude is not None]
    if not points:
        return mark_safe("")  # noqa: S308 — an empty string
    lats = [a.commune.latitude for a in points]
    lngs = [a.commune.longitude for a in points]
    scale_x = math.cos(math.radians(sum(lats) / len(lats)))
    span = max((max(lngs) - min(lngs)) * scale_x, max(lats) - min(lats)) or 1
    unit = (size - 20) / span

    def xy(lat, lng):
        return f"{10 + (lng - min(lngs)) * scale_x * unit:.1f}", f"{10 + (max(lats) - lat) * unit:.1f}"

    height = int(20 + (max(lats) - min(lats)) * unit)
    covered = [xy(a.commune.latitude, a.commune.longitude) for a in points if a.covered]
    uncovered = [xy(a.commune.latitude, a.commune.longitude) for a in points if not a.covered]
    squares = [
        (f"{float(x) - 2.5:.1f}", f"{float(y) - 2.5:.1f}")
        for x, y in (xy(p.latitude, p.longitude) for p in places)
    ]
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="map-svg" viewBox="0 0 {w} {h}" width="{w}" height="{h}"'
        ' aria-hidden="true" focusable="false"><title>{title}</title>{covered}{places}{uncovered}</svg>',
        w=size,
        h=height,
        title=title,
        covered=format_html_join("", '<circle cx="{}" cy="{}" r="1.6" fill="#9aa5b1"/>', covered),
        places=format_html_join("", '<rect x="{}" y="{}" width="5" height="5" fill="' + BAR + '"/>', squares),
        uncovered=format_html_join("", '<circle cx="{}" cy="{}" r="3.5" fill="#c0392b"/>', uncovered),
    )
