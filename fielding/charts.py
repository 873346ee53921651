"""A plain bar chart as numbers for an inline SVG (no JavaScript library)."""

from django.utils.dateparse import parse_datetime

WIDTH = 600
HEIGHT = 160
AXIS = 18  # room for the labels under the bars


def bar_chart(intervals, *, width=WIDTH, height=HEIGHT):
    """Bars for ``[{"timestamp", "count"}]``: positions in SVG units, a label every few bars."""
    points = [(parse_datetime(item.get("timestamp") or ""), int(item.get("count") or 0)) for item in intervals]
    if not points:
        return None
    top = max(count for _, count in points) or 1
    slot = width / len(points)
    gap = min(4, slot * 0.2)
    plot = height - AXIS
    label_every = max(1, len(points) // 8)
    bars = []
    for i, (when, count) in enumerate(points):
        bar_height = round(plot * count / top, 1)
        stamp = when.strftime("%d %b %H:%M") if when else ""
        bars.append(
            {
                "x": round(i * slot + gap / 2, 1),
                "y": round(plot - bar_height, 1),
                "width": round(max(1, slot - gap), 1),
                "height": bar_height,
                "count": count,
                "title": f"{stamp}: {count} complete{'s' if count != 1 else ''}",
                "label": (when.strftime("%d %b") if when else "") if i % label_every == 0 else "",
                "label_x": round(i * slot + slot / 2, 1),
            }
        )
    return {
        "bars": bars,
        "width": width,
        "height": height,
        "label_y": height - 4,
        "top": top,
        "total": sum(count for _, count in points),
    }
