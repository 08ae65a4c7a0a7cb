"""The first text of the footer's pages, in our words: written into the database by migration
`portal 0002`, and shown while a page has no row (a database emptied by a test). A
functional administrator adapts it to the organisation (its name, address and officer for
data protection)."""

PAGES = {
    "privacy": (
        "Privacyverklaring",
        "Privacy statement",
        "Buurtkompas is de online plek van je welzijnsorganisatie. Hier lees je welke "
        "gegevens we bewaren, waarom, en wat je rechten zijn.\n\n"
        "Zonder account bewaren we niets van je. Een zelfscan die je zonder account invult, "
        "is weg als je de pagina sluit. Alleen als je kiest om hem te bewaren, houden we je "
        "antwoorden één dag vast, tot je een account maakt of inlogt.\n\n"
        "Met een account bewaren we je e-mailadres, je naam en wat je zelf invult. Krijg je "
        "hulp van een sociaal werker, dan staat wat nodig is voor die hulp in je dossier. "
        "Alleen het team dat je helpt kan je dossier lezen. Elke keer dat iemand je dossier "
        "opent of verandert, schrijven we dat op.\n\n"
        "We gebruiken je gegevens alleen om je te helpen. Cijfers voor de gemeente en voor "
        "onderzoek zijn altijd anoniem: er staat nooit een naam in, en kleine aantallen "
        "laten we weg.\n\n"
        "Je mag je gegevens inzien, laten verbeteren en laten verwijderen, tenzij de wet "
        "zegt dat we ze langer moeten bewaren. Vraag het aan je sociaal werker of neem "
        "contact met ons op. Ben je het niet eens met hoe we met je gegevens omgaan? Dan kun "
        "je een klacht indienen bij de Autoriteit Persoonsgegevens.",
        "Buurtkompas is the online place of your welfare organisation. Here you read what "
        "we keep, why, and what your rights are.\n\n"
        "Without an account we keep nothing of yours. A self-scan you fill in without an "
        "account is gone when you close the page. Only if you choose to keep it do we hold "
        "your answers for one day, until you create an account or log in.\n\n"
        "With an account we keep your e-mail address, your name and what you fill in "
        "yourself. When a social worker helps you, your dossier holds what that help "
        "needs. Only the team that helps you can read your dossier. Every time someone "
        "opens or changes it, we write that down.\n\n"
        "We use your data only to help you. Figures for the municipality and for research "
        "are always anonymous: they never hold a name, and small numbers are left out.\n\n"
        "You may see your data, have it corrected and have it removed, unless the law "
        "says we must keep it longer. Ask your social worker or contact us. If you do not "
        "agree with how we handle your data, you can complain to the Dutch Data Protection "
        "Authority (Autoriteit Persoonsgegevens).",
    ),
    "toegankelijkheid": (
        "Toegankelijkheidsverklaring",
        "Accessibility statement",
        "We willen dat iedereen Buurtkompas kan gebruiken: op een telefoon of een computer, "
        "met een toetsenbord, een schermlezer of een vergroting.\n\n"
        "We bouwen volgens de eisen van de WCAG 2.1 op niveau AA, zoals de overheid "
        "vraagt. We testen elke pagina automatisch op toegankelijkheid en op een smal "
        "scherm. Een onafhankelijk onderzoek is nog niet gedaan; daarom voldoen we "
        "gedeeltelijk.\n\n"
        "Loop je ergens tegenaan? Werkt iets niet met je hulpmiddel, of is een tekst "
        "moeilijk te begrijpen? Laat het ons weten via de pagina Contact. We antwoorden "
        "binnen vijf werkdagen en zoeken samen met je een oplossing.",
        "We want everyone to be able to use Buurtkompas: on a phone or a computer, with a "
        "keyboard, a screen reader or magnification.\n\n"
        "We build to the requirements of WCAG 2.1 at level AA, as the Dutch government "
        "asks. Every page is tested automatically for accessibility and on a narrow "
        "screen. An independent audit has not been done yet; so we comply partially.\n\n"
        "Is something in your way? Does something not work with your assistive technology, "
        "or is a text hard to understand? Let us know through the Contact page. We answer "
        "within five working days and look for a solution with you.",
    ),
    "contact": (
        "Contact",
        "Contact",
        "Heb je een vraag of wil je met iemand praten? Dat kan op veel manieren.\n\n"
        "Vul een zelfscan in en kies daarna 'Ik wil hierover praten'. Een sociaal werker "
        "uit je buurt neemt dan contact met je op.\n\n"
        "Kom langs bij een inloopspreekuur in je buurt. Je vindt ze op de sociale kaart.\n\n"
        "Heb je al hulp van ons? Dan kun je je sociaal werker ook direct bellen of mailen.",
        "Do you have a question or would you like to talk to someone? There are many "
        "ways.\n\n"
        "Fill in a self-scan and then choose 'I would like to talk about this'. A social "
        "worker from your neighbourhood will contact you.\n\n"
        "Drop in at a walk-in hour in your neighbourhood. You find them on the social map.\n\n"
        "Do you already get help from us? Then you can also call or mail your social worker "
        "directly.",
    ),
}
