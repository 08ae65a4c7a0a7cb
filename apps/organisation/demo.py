"""Demo municipalities, districts, neighbourhoods and teams (real names, plausible codes)."""

from dataclasses import dataclass, field

from apps.core.demo import DemoRun, demo_step
from apps.organisation.models import Municipality, Neighbourhood, Team

# name, CBS code, centroid, districts (real district names for the small set)
SMALL_MUNICIPALITIES = [
    (
        "Amersfoort",
        "GM0307",
        (52.1561, 5.3878),
        [
            "Binnenstad",
            "Soesterkwartier",
            "Kruiskamp",
            "Schothorst",
            "Kattenbroek",
            "Nieuwland",
            "Vathorst",
            "Hoogland",
            "Liendert",
            "Randenbroek",
        ],
    ),
    (
        "Zeist",
        "GM0355",
        (52.0894, 5.2335),
        [
            "Zeist-Centrum",
            "Zeist-West",
            "Zeist-Noord",
            "Zeist-Oost",
            "Den Dolder",
            "Austerlitz",
            "Bosch en Duin",
        ],
    ),
    (
        "Nieuwegein",
        "GM0356",
        (52.0292, 5.0809),
        [
            "Batau-Noord",
            "Batau-Zuid",
            "Fokkesteeg",
            "Galecop",
            "Hoog Zandveld",
            "Jutphaas-Wijkersloot",
            "Lekboulevard",
            "Vreeswijk",
            "Zuilenstein",
        ],
    ),
]

LARGE_EXTRA_MUNICIPALITIES = [
    ("Utrecht", "GM0344", (52.0908, 5.1222)),
    ("Amsterdam", "GM0363", (52.3702, 4.8952)),
    ("Rotterdam", "GM0599", (51.9225, 4.4792)),
    ("'s-Gravenhage", "GM0518", (52.0705, 4.3007)),
    ("Eindhoven", "GM0772", (51.4416, 5.4697)),
    ("Groningen", "GM0014", (53.2194, 6.5665)),
    ("Tilburg", "GM0855", (51.5555, 5.0913)),
    ("Almere", "GM0034", (52.3508, 5.2647)),
    ("Breda", "GM0758", (51.5719, 4.7683)),
    ("Nijmegen", "GM0268", (51.8426, 5.8528)),
    ("Apeldoorn", "GM0200", (52.2112, 5.9699)),
    ("Zwolle", "GM0193", (52.5168, 6.0830)),
]
# Inhabitants, rounded (CBS, 1 January 2024): the size classes of the sector benchmark.
INHABITANTS = {
    "GM0307": 161_000,
    "GM0355": 66_000,
    "GM0356": 65_000,
    "GM0344": 374_000,
    "GM0363": 932_000,
    "GM0599": 671_000,
    "GM0518": 566_000,
    "GM0772": 246_000,
    "GM0014": 243_000,
    "GM0855": 229_000,
    "GM0034": 226_000,
    "GM0758": 186_000,
    "GM0268": 185_000,
    "GM0200": 166_000,
    "GM0193": 134_000,
}
LARGE_DISTRICTS_PER_MUNICIPALITY = 20
DISTRICT_WORDS = [
    "Centrum",
    "Noord",
    "Oost",
    "Zuid",
    "West",
    "Haven",
    "Park",
    "Veld",
    "Hof",
    "Kwartier",
    "Dorp",
    "Buiten",
    "Akker",
    "Weide",
    "Beek",
    "Hoeve",
]
BUURT_SUFFIXES = ["Noord", "Zuid", "Oost", "West"]

TEAM_TEMPLATES = [
    ("Sociaal team {district}", Team.Specialism.SOCIAL_WORK),
    ("Jeugd en gezin {municipality}", Team.Specialism.YOUTH),
    ("Ouderen en mantelzorg {municipality}", Team.Specialism.ELDERLY),
    ("Geldzaken {municipality}", Team.Specialism.DEBT),
]


@dataclass
class DemoOrganisation:
    municipalities: list[Municipality] = field(default_factory=list)
    districts: list[Neighbourhood] = field(default_factory=list)
    teams: list[Team] = field(default_factory=list)


def seed_organisation(*, size: str, rng) -> DemoOrganisation:
    plan = [
        (name, code, centre, districts) for name, code, centre, districts in SMALL_MUNICIPALITIES
    ]
    if size == "large":
        for name, code, centre in LARGE_EXTRA_MUNICIPALITIES:
            words = rng.sample(DISTRICT_WORDS, k=len(DISTRICT_WORDS))
            districts = [
                f"{name} {words[i % len(words)]}{'' if i < len(words) else f' {i}'}"
                for i in range(LARGE_DISTRICTS_PER_MUNICIPALITY)
            ]
            plan.append((name, code, centre, districts))

    Municipality.objects.bulk_create(
        [
            Municipality(name=name, cbs_code=code, inhabitants=INHABITANTS.get(code))
            for name, code, _c, _d in plan
        ],
        ignore_conflicts=True,
    )
    municipalities = {
        m.cbs_code: m for m in Municipality.objects.filter(cbs_code__in=[p[1] for p in plan])
    }

    districts, buurten_plan = [], []
    for _name, code, (lat, lon), district_names in plan:
        municipality = municipalities[code]
        for number, district_name in enumerate(district_names, start=1):
            d_lat, d_lon = lat + rng.uniform(-0.025, 0.025), lon + rng.uniform(-0.04, 0.04)
            district_code = f"WK{code[2:]}{number:02d}"
            districts.append(
                Neighbourhood(
                    municipality=municipality,
                    name=district_name,
                    kind=Neighbourhood.Kind.DISTRICT,
                    cbs_code=district_code,
                    centroid_latitude=round(d_lat, 5),
                    centroid_longitude=round(d_lon, 5),
                )
            )
            for b_number, suffix in enumerate(
                BUURT_SUFFIXES[: 2 if size == "small" else 4], start=1
            ):
                buurten_plan.append(
                    (
                        district_code,
                        municipality,
                        f"{district_name} {suffix}",
                        f"BU{code[2:]}{number:02d}{b_number:02d}",
                        d_lat + rng.uniform(-0.006, 0.006),
                        d_lon + rng.uniform(-0.009, 0.009),
                    )
                )
    Neighbourhood.objects.bulk_create(districts, ignore_conflicts=True)
    district_by_code = {
        n.cbs_code: n
        for n in Neighbourhood.objects.districts().filter(municipality__in=municipalities.values())
    }
    Neighbourhood.objects.bulk_create(
        [
            Neighbourhood(
                municipality=municipality,
                name=name,
                kind=Neighbourhood.Kind.NEIGHBOURHOOD,
                cbs_code=code,
                district=district_by_code[district_code],
                centroid_latitude=round(b_lat, 5),
                centroid_longitude=round(b_lon, 5),
            )
            for district_code, municipality, name, code, b_lat, b_lon in buurten_plan
        ],
        ignore_conflicts=True,
    )

    teams_plan = []
    for name, code, _centre, district_names in plan:
        municipality = municipalities[code]
        own_districts = [
            district_by_code[f"WK{code[2:]}{n:02d}"] for n in range(1, len(district_names) + 1)
        ]
        # One neighbourhood team per three districts, plus the municipality-wide teams.
        for start in range(0, len(own_districts), 3):
            group = own_districts[start : start + 3]
            teams_plan.append(
                (
                    TEAM_TEMPLATES[0][0].format(district=group[0].name),
                    TEAM_TEMPLATES[0][1],
                    municipality,
                    group,
                )
            )
        for template, specialism in TEAM_TEMPLATES[1:]:
            teams_plan.append(
                (template.format(municipality=name), specialism, municipality, own_districts)
            )
    Team.objects.bulk_create(
        [
            Team(name=name, specialism=specialism, municipality=m)
            for name, specialism, m, _g in teams_plan
        ],
        ignore_conflicts=True,
    )
    teams = {
        (t.municipality_id, t.name): t
        for t in Team.objects.filter(municipality__in=municipalities.values())
    }
    links = Team.neighbourhoods.through
    links.objects.bulk_create(
        [
            links(team_id=teams[(m.pk, name)].pk, neighbourhood_id=district.pk)
            for name, _s, m, group in teams_plan
            for district in group
        ],
        ignore_conflicts=True,
    )
    ordered_teams = [teams[(m.pk, name)] for name, _s, m, _g in teams_plan]
    return DemoOrganisation(
        municipalities=[municipalities[p[1]] for p in plan],
        districts=list(district_by_code.values()),
        teams=ordered_teams,
    )


@demo_step("organisation")
def _seed(run: DemoRun) -> DemoOrganisation:
    return seed_organisation(size=run.size, rng=run.rng)
