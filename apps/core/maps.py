"""Maps on a page: Leaflet with the tile service from settings, one flag per point, drawn by
static/js/point-map.js from a JSON block. The client map (apps/dossiers) and the social
map (apps/socialmap) both use it; each page also lists the same points for those who do
not use the map."""

from django.conf import settings
from django.utils.translation import gettext


def map_data(points: list[dict], *, open_label: str) -> dict:
    """The JSON block a map reads. Each point: label, theme, slot (colour), symbol, lat, lon
    and url; `open_label` names what its link opens ("Open the dossier")."""
    return {
        "tiles": {
            "url": settings.MAP_TILE_URL,
            "attribution": settings.MAP_TILE_ATTRIBUTION,
            "maxZoom": settings.MAP_TILE_MAX_ZOOM,
        },
        "labels": {
            "zoomIn": gettext("Zoom in"),
            "zoomOut": gettext("Zoom out"),
            "closePopup": gettext("Close"),
            "open": open_label,
        },
        "points": points,
    }
