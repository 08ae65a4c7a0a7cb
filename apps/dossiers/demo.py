"""Demo clients with dossiers, questions and contact moments for the demo social workers."""

from datetime import timedelta

from django.utils import timezone

from apps.accounts.demo import DEMO_DOMAIN
from apps.accounts.models import User
from apps.dossiers.models import Client, ContactMoment, Dossier, RegisteredQuestion
from apps.organisation.models import Neighbourhood, Theme

SUBCATEGORIES = {
    "geldzaken-regelgeving": ["Schulden", "Formulieren", "Toeslagen"],
    "huisvesting-wonen": ["Dreigende uitzetting", "Woningaanpassing", "Overlast"],
    "mentaal-welbevinden-zingeving": ["Eenzaamheid", "Rouw", "Stress"],
    "ouder-worden-mantelzorg": ["Overbelaste mantelzorger", "Dagbesteding"],
    "huiselijke-relaties-opvoeding": ["Opvoedvragen", "Scheiding"],
    "gezondheid-zorg": ["Zorg regelen", "Leefstijl"],
}
CLIENTS_PER_WORKER = 14


def seed_dossiers(*, organisation, rng, faker) -> None:
    team = organisation.teams[0]
    if Dossier.objects.filter(team=team).exists():
        return
    workers = list(
        User.objects.filter(team_memberships__team=team, email=f"sociaalwerker@{DEMO_DOMAIN}")
    ) + list(User.objects.filter(team_memberships__team=team, role="social_worker")[:2])
    buurten = list(Neighbourhood.objects.filter(district__in=team.neighbourhoods.all()))
    themes = {t.code: t for t in Theme.objects.filter(code__in=SUBCATEGORIES)}
    today = timezone.localdate()
    now = timezone.now()

    clients, dossiers, questions, moments = [], [], [], []
    for worker in dict.fromkeys(workers):
        for _ in range(CLIENTS_PER_WORKER):
            buurt = rng.choice(buurten)
            client = Client(
                first_name=faker.first_name(),
                last_name=faker.last_name(),
                birth_date=faker.date_of_birth(minimum_age=18, maximum_age=90),
                postcode=f"{rng.randint(3811, 3829)} {faker.lexify('??').upper()}",
                house_number=str(rng.randint(1, 180)),
                street=faker.street_name(),
                city=team.municipality.name,
                neighbourhood=buurt,
                latitude=buurt.centroid_latitude + rng.uniform(-0.002, 0.002),
                longitude=buurt.centroid_longitude + rng.uniform(-0.003, 0.003),
                phone=faker.phone_number()[:20],
            )
            clients.append(client)
            started = today - timedelta(days=rng.choice([12, 40, 75, 110, 150, 200, 260, 400]))
            status = rng.choice(["intake", "active", "active", "active"])
            dossiers.append(
                Dossier(
                    client=client,
                    team=team,
                    responsible_worker=worker,
                    status=status,
                    source=rng.choice(Dossier.Source.values),
                    started_on=started,
                )
            )
    Client.objects.bulk_create(clients)
    for dossier in dossiers:
        dossier.client_id = dossier.client.pk
    Dossier.objects.bulk_create(dossiers)
    for dossier in dossiers:
        for code in rng.sample(sorted(themes), k=rng.randint(1, 2)):
            questions.append(
                RegisteredQuestion(
                    dossier=dossier, theme=themes[code], subcategory=rng.choice(SUBCATEGORIES[code])
                )
            )
        days = (today - dossier.started_on).days
        for _ in range(rng.randint(1, 6) if dossier.status == "active" else rng.randint(0, 1)):
            moments.append(
                ContactMoment(
                    dossier=dossier,
                    worker=dossier.responsible_worker,
                    occurred_at=now - timedelta(days=rng.randint(0, days), hours=rng.randint(1, 8)),
                    mode=rng.choice(ContactMoment.Mode.values),
                    duration_minutes=rng.choice([15, 30, 45, 60, 90]),
                )
            )
    RegisteredQuestion.objects.bulk_create(questions)
    ContactMoment.objects.bulk_create(moments)
