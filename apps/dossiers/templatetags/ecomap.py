from django import template

from apps.dossiers.ecomap import eco_map_layout

register = template.Library()


@register.inclusion_tag("dossiers/includes/eco_map.svg.html")
def eco_map(client, members):
    """The client's network as an SVG eco-map, with a title and description for screen
    readers; the page shows the same people in a table."""
    return {"client": client, "map": eco_map_layout(members), "count": len(members)}
