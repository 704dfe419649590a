"""Invented example complaints for `formkit demo`, covering every state of the procedure.

Dates are offsets from the demo's day so that "late", "nearly late" and "past retention" stay true
whenever the demo runs. Every person and address here is invented.
"""

from __future__ import annotations

import datetime as dt

from formkit.dates import add_months, add_years

YVONNE, ARIANDA = "Yvonne Lips", "Arianda Schepens"

# (state, offset of receipt in days, fields). Fields with "+N"/"-N" strings are day offsets
# from the receipt; "h" marks offsets from the demo day.
PEOPLE = [
    ("Femke van Aalst", "", "Kerkstraat 12", "5492 AB", "Sint-Oedenrode", "femke.vanaalst@example.nl", "06 12345671"),
    ("Ruud Bakhuijs", "Bakhuijs Installatietechniek B.V.", "Industrieweg 4", "5531 AD", "Bladel", "r.bakhuijs@example.com", "0497 123456"),
    ("Sanne de Wit-Çelik", "", "Molenakker 3", "5674 TV", "Nuenen", "sanne.dewit@example.nl", "+31 6 2345 6789"),
    ("Joost Verhoeven", "Zorggroep De Linde", "Lindelaan 88", "5211 KL", "'s-Hertogenbosch", "j.verhoeven@example.org", "073 1234567"),
    ("Noor El Amrani", "", "Populierenlaan 17", "5045 CE", "Tilburg", "noor.elamrani@example.nl", "06 98765432"),
    ("Priya Ramdin", "", "Hoogstraat 201", "5615 PL", "Eindhoven", "priya.ramdin@example.nl", "06 11223344"),
    ("Kees Brouwers", "Brouwers Transport", "Havenweg 9", "4871 NA", "Etten-Leur", "planning@brouwers-transport.example", "076 5012345"),
    ("Marloes Jansen", "", "Dorpsstraat 56", "5491 AA", "Sint-Oedenrode", "marloes.j@example.nl", "06 55667788"),
    ("Hüseyin Öztürk", "", "Eikendreef 21", "5506 BR", "Veldhoven", "h.ozturk@example.nl", "06 44332211"),
    ("Anouk Peeters", "Gemeente Voorbeeldstad", "Raadhuisplein 1", "5281 AA", "Boxtel", "a.peeters@example.gov", "0411 654321"),
]

COURSES = [
    "Basiscursus Nederlands als tweede taal",
    "BHV-herhaling",
    "Leidinggeven in de praktijk",
    "Excel voor gevorderden",
    "Coaching naar werk",
    "Training klantgericht werken",
]


def demo_rows(today: dt.date) -> list[dict]:
    """The example register rows, keyed by column key, as of `today`."""
    d = lambda days: today - dt.timedelta(days=days)  # noqa: E731
    rows: list[dict] = []

    def add(state: str, received: dt.date | str | None, person: int, **fields) -> None:
        name, org, address, postcode, city, email, phone = PEOPLE[person % len(PEOPLE)]
        row = {
            "received": received,
            "channel": fields.pop("channel", ("e-mail", "klachtenformulier", "telefoon", "brief", "gesprek")[len(rows) % 5]),
            "client_type": "bedrijf" if org else "particulier",
            "name": name,
            "organisation": org or None,
            "address": address,
            "postcode": postcode,
            "city": city,
            "email": email,
            "phone": phone,
            "course": COURSES[len(rows) % len(COURSES)],
            "serious": "nee",
            "handler": (YVONNE, ARIANDA)[len(rows) % 2],
            "remarks": f"Voorbeeld: {state}",
        }
        row.update(fields)
        rows.append(row)

    add("nieuw binnengekomen", d(2), 0, description="De docent was twee lessen achter elkaar niet aanwezig en er was geen vervanging.",
        desired_solution="Twee extra lessen.", category="Docent of trainer")
    add("reactie te laat", d(10), 1, description="De factuur is twee keer verstuurd en ook twee keer afgeschreven.",
        desired_solution="Terugbetaling van het dubbele bedrag.", category="Facturering en betaling")
    add("gereageerd, in behandeling", d(12), 2, reaction_date=d(9), reaction_mode="e-mail",
        description="Het lesmateriaal was verouderd:\nde wetgeving uit 2019 stond er nog in.", category="Inhoud opleiding")
    add("laat gereageerd, in behandeling", d(25), 3, reaction_date=d(14), reaction_mode="telefoon",
        description="De locatie was niet rolstoeltoegankelijk, terwijl dat wel was gevraagd.", category="Locatie en faciliteiten",
        participant="Bram Verhoeven")
    nearly = add_months(d(0), -1) + dt.timedelta(days=4)
    add("bijna te laat", nearly, 4, reaction_date=nearly + dt.timedelta(days=2), reaction_mode="e-mail",
        description="Het examen werd zonder bericht een week verschoven.", category="Examen en certificering")
    add("afhandeling te laat", d(45), 5, reaction_date=d(41), reaction_mode="brief",
        description="Niemand belde terug na drie voicemails.", category="Communicatie en informatie")
    received = d(40)
    add("verlengd", received, 6, reaction_date=received + dt.timedelta(days=3), reaction_mode="e-mail",
        extension_notice_date=received + dt.timedelta(days=25), extended_until=d(-14),
        description="Certificaten van vijf medewerkers zijn niet aangekomen.", category="Examen en certificering")
    received = d(50)
    add("verlenging te laat verstuurd", received, 7, reaction_date=received + dt.timedelta(days=5), reaction_mode="telefoon",
        extension_notice_date=d(5), extended_until=d(-10),
        description="De planning van de praktijkdagen wijzigde vier keer.", category="Planning en organisatie")
    add("ernstig, in behandeling", d(3), 8, serious="ja", reaction_date=d(2), reaction_mode="telefoon",
        description="Tijdens de praktijkles is een deelnemer gevallen; de EHBO-koffer was leeg. Klager overweegt een claim.",
        desired_solution="Vergoeding van de kosten van de huisarts.", category="Locatie en faciliteiten")
    add("ernstig, te laat", d(12), 9, serious="ja", reaction_date=d(11), reaction_mode="e-mail",
        description="Persoonsgegevens van deelnemers zijn naar de verkeerde organisatie gemaild.",
        category="Communicatie en informatie")
    handled = d(20)
    add("afgehandeld, teruggekoppeld, tevredenheid gemeten", handled - dt.timedelta(days=18), 0,
        reaction_date=handled - dt.timedelta(days=16), reaction_mode="e-mail", handled_date=handled,
        feedback_date=handled + dt.timedelta(days=1), satisfaction="4", satisfaction_date=d(3),
        description="Het rooster stond pas een dag van tevoren online.", category="Planning en organisatie",
        cause="Roosterplanning werd handmatig en te laat gepubliceerd.",
        solution="Rooster voortaan twee weken vooraf online; excuses aangeboden.",
        improvement="Roosters automatisch publiceren vanuit de planning.", improvement_done=d(5),
        internal_feedback="Besproken in teamoverleg")
    add("afgehandeld, terugkoppeling ontbreekt", d(20), 1, reaction_date=d(17), reaction_mode="telefoon", handled_date=d(5),
        description="Parkeren bij de leslocatie kost € 12,50 per dag; dat stond nergens.", category="Locatie en faciliteiten",
        cause="Informatie over parkeren ontbrak in de uitnodiging.", solution="Parkeerkosten vergoed.")
    add("tevredenheid ontbreekt", d(70), 2, reaction_date=d(66), reaction_mode="e-mail", handled_date=d(45),
        feedback_date=d(44), description="De trainer gebruikte voorbeelden die als kwetsend werden ervaren.",
        category="Docent of trainer", cause="Trainer niet bekend met de doelgroep.", solution="Gesprek met trainer; andere trainer ingezet.",
        improvement="Intake doelgroep voor elke nieuwe trainer.")
    add("tevredenheidsformulier verstuurd", d(60), 5, reaction_date=d(57), reaction_mode="e-mail", handled_date=d(35),
        feedback_date=d(34), description="Het certificaat werd pas na drie maanden verstuurd.",
        category="Examen en certificering", cause="Certificaten werden per kwartaal in één keer gedrukt.",
        solution="Certificaat direct nagestuurd.", improvement="Certificaten binnen twee weken na het examen versturen.")
    add("derde partij, uitspraak volgt", d(120), 3, client_type="particulier", organisation=None,
        reaction_date=d(115), reaction_mode="brief", handled_date=d(95), feedback_date=d(94), satisfaction="2",
        satisfaction_date=d(80), third_party="De Geschillencommissie", submitted_date=d(75),
        description="Deelnemer werd zonder overleg uitgeschreven en het lesgeld niet terugbetaald.",
        category="Facturering en betaling", cause="Uitschrijfbeleid onduidelijk in de voorwaarden.",
        solution="Gedeeltelijke terugbetaling aangeboden.")
    add("derde partij, uitspraak gedaan", d(200), 6, reaction_date=d(196), reaction_mode="e-mail", handled_date=d(170),
        feedback_date=d(169), satisfaction="3", satisfaction_date=d(150),
        third_party="Commissie van Kwaliteitshandhaving NRTO", submitted_date=d(140),
        third_party_ruling="Klacht deels gegrond; STAP Brabant betaalt 50% van de cursusprijs terug.",
        description="Het maatwerktraject week af van de offerte.", category="Inhoud opleiding",
        cause="Offerte en uitvoering niet afgestemd.", solution="Uitspraak uitgevoerd.",
        improvement="Overdracht van sales naar uitvoering met checklist.", improvement_done=d(120))
    for n, extra_days in enumerate((30, 200)):
        handled = add_years(today, -2) - dt.timedelta(days=extra_days)
        add(f"bewaartermijn verstreken ({n + 1})", handled - dt.timedelta(days=20), 4 + n, reaction_date=handled - dt.timedelta(days=18),
            reaction_mode="e-mail", handled_date=handled, feedback_date=handled, satisfaction=str(3 + n),
            satisfaction_date=handled + dt.timedelta(days=10), description="Klacht over de bereikbaarheid van de administratie.",
            category="Communicatie en informatie", cause="Telefoon werd niet doorgeschakeld.", solution="Doorschakeling ingesteld.")
    handled = add_years(today, -2) + dt.timedelta(days=30)
    add("binnenkort vernietigen", handled - dt.timedelta(days=14), 6, reaction_date=handled - dt.timedelta(days=12),
        reaction_mode="brief", handled_date=handled, feedback_date=handled, satisfaction="5",
        satisfaction_date=handled + dt.timedelta(days=7), description="Een certificaat bevatte een spelfout in de naam.",
        category="Examen en certificering", cause="Naam handmatig overgetypt.", solution="Nieuw certificaat verstuurd.",
        improvement="Namen uit de inschrijving overnemen in plaats van overtypen.", improvement_done=handled)
    add("onbekende behandelaar", d(6), 7, handler="Piet Jansen", reaction_date=d(5), reaction_mode="telefoon",
        description="De koffieautomaat was al weken kapot.", category="Locatie en faciliteiten")
    add("ernstig onduidelijk", d(8), 8, serious="misschien", reaction_date=d(6), reaction_mode="e-mail",
        description="De deelnemer voelde zich onheus bejegend door een medewerker van de receptie.", category="Overig")
    add("onleesbare datum", d(30), 9, reaction_date=d(28), reaction_mode="e-mail", handled_date="31-02-2026",
        description="De lesruimte was te koud.", category="Locatie en faciliteiten",
        cause="Verwarming stond in de vakantiestand.", solution="Instellingen verwarming aangepast.")
    add("afhandeling voor ontvangst", d(15), 0, reaction_date=d(14), reaction_mode="telefoon", handled_date=d(40),
        description="Aanmeldbevestiging kwam niet aan.", category="Communicatie en informatie",
        cause="E-mailadres verkeerd overgenomen.", solution="Bevestiging opnieuw gestuurd.")
    add("datum ontvangst ontbreekt", None, 1, description="Klacht over de lunch tijdens de training.", category="Overig")
    # Complete, closed complaints over the past year, for the management information.
    causes = [
        ("Planning en organisatie", "Roosterplanning werd handmatig en te laat gepubliceerd.", "Rooster gecorrigeerd."),
        ("Communicatie en informatie", "Informatie over wijzigingen bereikte deelnemers niet.", "Deelnemers persoonlijk gebeld."),
        ("Docent of trainer", "Trainer niet bekend met de doelgroep.", "Andere trainer ingezet."),
        ("Facturering en betaling", "Factuur handmatig dubbel aangemaakt.", "Creditnota verstuurd."),
        ("Inhoud opleiding", "Lesmateriaal niet jaarlijks herzien.", "Materiaal herzien."),
    ]
    for n in range(8):
        category, cause, solution = causes[n % len(causes)]
        received = d(60 + 38 * n)
        handled = received + dt.timedelta(days=12 + 3 * n)
        add("afgehandeld (analyse)", received, n + 2, reaction_date=received + dt.timedelta(days=2 + n % 7),
            reaction_mode=("e-mail", "telefoon", "brief")[n % 3], handled_date=handled,
            feedback_date=handled + dt.timedelta(days=2), satisfaction=str(2 + n % 4),
            satisfaction_date=handled + dt.timedelta(days=14), description=f"Voorbeeldklacht over {category.lower()}.",
            category=category, cause=cause, solution=solution,
            improvement="Roosters automatisch publiceren vanuit de planning." if n % 5 == 0 else None,
            improvement_done=handled + dt.timedelta(days=30) if n % 5 == 0 and n else None)
    return rows


def numbered(rows: list[dict], today: dt.date) -> list[dict]:
    """Give each row a Klachtnummer K-YYYY-NNN in order of receipt, per year."""
    order = sorted(range(len(rows)), key=lambda i: (_sort_date(rows[i]["received"], today), i))
    counters: dict[int, int] = {}
    for i in order:
        year = _sort_date(rows[i]["received"], today).year
        counters[year] = counters.get(year, 0) + 1
        rows[i] = {"number": f"K-{year}-{counters[year]:03d}", **rows[i]}
    return [rows[i] for i in order]


def _sort_date(value, today: dt.date) -> dt.date:
    return value if isinstance(value, dt.date) else today
