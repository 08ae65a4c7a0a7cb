"""Layout of the eco-map: the client in the middle, their network around them.

Five sectors (parts of life) and three rings (how close someone is). Members of one
sector and ring are spread evenly over the sector's arc. Pure geometry, no drawing: the
template turns the result into SVG.
"""

import math
from dataclasses import dataclass

from apps.dossiers.models import NetworkMember

SIZE = 720
CENTRE = SIZE / 2
RING_RADIUS = {
    NetworkMember.Closeness.CLOSE: 110,
    NetworkMember.Closeness.MIDDLE: 185,
    NetworkMember.Closeness.DISTANT: 260,
}
LABEL_RADIUS = 318
# Room left and right of the rings for the names of the sectors.
SIDE_MARGIN = 170
# The sector's name sits at its middle; people keep this many degrees away from it.
LABEL_CLEARANCE = 14
SECTORS = list(NetworkMember.Circle)
SECTOR_DEGREES = 360 / len(SECTORS)


@dataclass(frozen=True)
class Point:
    x: float
    y: float


@dataclass(frozen=True)
class PlacedMember:
    member: NetworkMember
    position: Point
    label_position: Point
    label_anchor: str


@dataclass(frozen=True)
class Sector:
    circle: NetworkMember.Circle
    divider_end: Point
    label_position: Point
    label_anchor: str
    label_lines: list[str]


@dataclass(frozen=True)
class EcoMap:
    view_box: str
    centre: Point
    rings: list[float]
    sectors: list[Sector]
    members: list[PlacedMember]


def _point(degrees: float, radius: float) -> Point:
    # 0 degrees points up; angles go clockwise, as on a clock face.
    radians = math.radians(degrees - 90)
    return Point(
        round(CENTRE + radius * math.cos(radians), 1),
        round(CENTRE + radius * math.sin(radians), 1),
    )


def _anchor(point: Point) -> str:
    if abs(point.x - CENTRE) < 20:
        return "middle"
    return "start" if point.x > CENTRE else "end"


def _two_lines(text: str, longest: int = 14) -> list[str]:
    """Split a long sector name at the space nearest its middle."""
    if len(text) <= longest or " " not in text:
        return [text]
    spaces = [index for index, char in enumerate(text) if char == " "]
    cut = min(spaces, key=lambda index: abs(index - len(text) / 2))
    return [text[:cut], text[cut + 1 :]]


def _spread(start: float, count: int) -> list[float]:
    """Angles for `count` people in a sector, evenly spread, clear of the sector's name."""
    middle = start + SECTOR_DEGREES / 2
    angles = []
    for index in range(1, count + 1):
        angle = start + index * SECTOR_DEGREES / (count + 1)
        if abs(angle - middle) < LABEL_CLEARANCE / 2:
            angle = middle + LABEL_CLEARANCE
        angles.append(angle)
    return angles


def _label_beside(position: Point) -> tuple[Point, str]:
    anchor = _anchor(position)
    if anchor == "middle":
        return Point(position.x, position.y + 34), anchor
    offset = 18 if anchor == "start" else -18
    return Point(position.x + offset, position.y + 6), anchor


def eco_map_layout(members) -> EcoMap:
    groups: dict[tuple[str, int], list[NetworkMember]] = {}
    for member in members:
        groups.setdefault((member.circle, member.closeness), []).append(member)
    placed = []
    for (circle, closeness), group in groups.items():
        start = SECTORS.index(circle) * SECTOR_DEGREES
        for angle, member in zip(_spread(start, len(group)), group, strict=True):
            position = _point(angle, RING_RADIUS[closeness])
            placed.append(PlacedMember(member, position, *_label_beside(position)))
    sectors = []
    for index, circle in enumerate(SECTORS):
        label = _point((index + 0.5) * SECTOR_DEGREES, LABEL_RADIUS)
        sectors.append(
            Sector(
                circle=circle,
                divider_end=_point(index * SECTOR_DEGREES, RING_RADIUS[3] + 15),
                label_position=label,
                label_anchor=_anchor(label),
                label_lines=_two_lines(str(circle.label)),
            )
        )
    return EcoMap(
        view_box=f"{-SIDE_MARGIN} 0 {SIZE + 2 * SIDE_MARGIN} {SIZE}",
        centre=Point(CENTRE, CENTRE),
        rings=list(RING_RADIUS.values()),
        sectors=sectors,
        members=placed,
    )
