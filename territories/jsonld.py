"""schema.org JSON-LD for pages, safe to embed in a <script> element."""

import json

from django.utils.safestring import mark_safe

SCHEMA_DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]


def to_script(data):
    text = (
        json.dumps(data, ensure_ascii=False)
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("&", "\\u0026")
    )
    return mark_safe(f'<script type="application/ld+json">{text}</script>')  # noqa: S308 — escaped above


def place(structure, request):
    data = {
        "@type": "Place",
        "name": structure.title,
        "url": structure.get_full_url(request),
        "address": {
            "@type": "PostalAddress",
            "streetAddress": structure.address or None,
            "postalCode": structure.postal_code or None,
            "addressLocality": structure.commune.name,
            "addressCountry": "FR",
        },
        "telephone": structure.phone or None,
        "openingHoursSpecification": [
            {
                "@type": "OpeningHoursSpecification",
                "dayOfWeek": SCHEMA_DAYS[s.weekday],
                "opens": s.opens.strftime("%H:%M"),
                "closes": s.closes.strftime("%H:%M"),
            }
            for s in structure.opening_slots.all()
        ],
    }
    if structure.latitude is not None:
        data["geo"] = {
            "@type": "GeoCoordinates",
            "latitude": structure.latitude,
            "longitude": structure.longitude,
        }
    return {k: v for k, v in data.items() if v not in (None, [])}
