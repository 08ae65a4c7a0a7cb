import secrets

from django import template

from apps.questionnaires.spiderweb import SpiderChart, describe, spider_web_layout

register = template.Library()


@register.inclusion_tag("questionnaires/includes/spider_web.html")
def spider_web(chart: SpiderChart, chart_id: str = "", numbers: bool = True):
    """A spider web as inline SVG with a title, a description and a legend, followed by a
    table with the same numbers. `chart` comes from `spiderweb.spider_chart()`.

    Every element id gets a prefix of its own, so any number of charts can share a page,
    also when htmx adds one later; pass `chart_id` for a fixed prefix. `numbers=False`
    leaves the table out, for a page that shows the same numbers in a table of its own.
    """
    return {
        "chart": chart,
        "numbers": numbers,
        "layout": spider_web_layout(chart),
        "description": describe(chart),
        "uid": chart_id or f"spiderweb-{secrets.token_hex(4)}",
    }
