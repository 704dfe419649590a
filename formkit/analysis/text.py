"""The analysis in words: the terminal summary, key figures, a text per report section, and JSON.

One place for every Dutch sentence about the figures, so the terminal, the workbook and the
management report say the same thing. Percentages always carry their n ("83% (20 van 24)").
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from formkit.analysis.figures import Analysis, Fact, Period, Ratio, Tally
from formkit.analysis.patterns import DESTROYED
from formkit.dates import dutch

MONTHS = ("jan", "feb", "mrt", "apr", "mei", "jun", "jul", "aug", "sep", "okt", "nov", "dec")
SMALL_N = 10  # below this a percentage says little; the texts say so
OUTCOMES = {"on_time": "op tijd", "late": "te laat", "pending": "loopt nog", "unknown": "onbekend"}

# Report section -> the step of the procedure it serves (klachtenprocedure.txt, Ad 5-7).
STEPS: dict[str, tuple[int, str]] = {
    "kerncijfers": (5, "analyseren"), "maand": (5, "analyseren"), "categorie": (5, "analyseren"),
    "oorzaak": (5, "analyseren"), "kenmerken": (5, "analyseren"), "termijnen": (5, "analyseren"),
    "tevredenheid": (6, "leren"), "derde_partij": (6, "leren"),
    "verbeteracties": (7, "doorvoeren en verbeteren"), "patronen": (7, "doorvoeren en verbeteren"),
}


def step_label(key: str) -> str:
    """'Processtap 5: analyseren': which step of the procedure a report section serves."""
    number, name = STEPS[key]
    return f"Processtap {number}: {name}"


# --- small formats ---------------------------------------------------------------------------

def decimal(value: float | None, places: int = 1) -> str:
    """24.5 -> '24,5'; whole numbers without decimals; None -> '–'."""
    if value is None:
        return "–"
    text = f"{value:.{places}f}".replace(".", ",")
    return text.rstrip("0").rstrip(",") if "," in text else text


def percent(r: Ratio) -> str:
    """'83%' rounded half up, or 'n.v.t.' when nothing was counted."""
    return "n.v.t." if r.percent is None else f"{int(r.percent + 0.5)}%"


def ratio(r: Ratio) -> str:
    """'83% (20 van 24)': never a percentage without its n."""
    return "n.v.t. (n = 0)" if r.n == 0 else f"{percent(r)} ({r.count} van {r.n})"


def n(count: int, one: str, many: str) -> str:
    return f"{count} {one if count == 1 else many}"


def month(first: dt.date, long: bool = False) -> str:
    return dutch(first).split(" ", 1)[1] if long else f"{MONTHS[first.month - 1]} {first.year}"


def period_text(p: Period) -> str:
    return f"{dutch(p.start)} t/m {dutch(p.end)}"


def label(t: Tally) -> str:
    """The value, or why it is missing."""
    if t.label is not None:
        return t.label
    return "Onbekend (vernietigd)" if t.missing == DESTROYED else "Niet ingevuld"


def _top(tallies: Sequence[Tally], count: int = 3) -> str:
    shown = [t for t in tallies if t.label is not None][:count]
    return ", ".join(f"{t.label} ({t.count})" for t in shown) or "–"


def _and(items: Sequence[str]) -> str:
    return items[0] if len(items) == 1 else ", ".join(items[:-1]) + " en " + items[-1]


def lead_text(a: Analysis) -> str:
    if a.lead.n == 0:
        return "nog geen afgehandelde klachten"
    return (f"mediaan {decimal(a.lead.median)} dagen; 90% binnen {n(a.lead.p90 or 0, 'dag', 'dagen')} "
            f"(n = {a.lead.n})")


def satisfaction_text(a: Analysis) -> str:
    s = a.satisfaction
    average = f"; gemiddeld {decimal(s.average)} (n = {s.scores})" if s.scores else ""
    return ratio(s.measured) + average


def escalation_text(a: Analysis) -> str:
    ruled = sum(1 for f in a.escalations if f.ruling)
    if not a.escalations:
        return "geen"
    return f"{len(a.escalations)} ({n(ruled, 'uitspraak', 'uitspraken')}, {len(a.escalations) - ruled} lopend)"


def improvement_count(a: Analysis) -> tuple[int, int]:
    actions = [x for g in a.improvements for x in g.actions]
    return len(actions), sum(1 for x in actions if x.done)


def measures(a: Analysis) -> list[tuple[str, Ratio]]:
    """The on-time and follow-up percentages, in the order the procedure runs."""
    t = a.terms
    return [
        (f"Reactie binnen {t.reaction_days} dagen", a.reaction),
        ("Afgehandeld binnen de termijn, zonder verlenging", a.handling_original),
        ("Afgehandeld binnen de termijn, met verlenging", a.handling),
        ("Schriftelijke terugkoppeling verstuurd", a.feedback),
        ("Tevredenheid gemeten", a.satisfaction.measured),
    ]


# --- what the terminal and the summary sheet show --------------------------------------------

def key_figures(a: Analysis) -> list[tuple[str, str, str]]:
    """(onderwerp, uitkomst, toelichting) rows: the summary everywhere."""
    t = a.terms
    months = len(a.months)
    actions, done = improvement_count(a)
    causes = sum(1 for g in a.improvements if g.actions)
    pending_reaction, pending_handling = a.pending("reaction"), a.pending("handling")
    return [
        ("Klachten ontvangen", str(a.total),
         (f"gemiddeld {decimal(a.total / months if months else 0)} per maand; "
         f"{n(a.anonymised, 'vernietigde klacht telt', 'vernietigde klachten tellen')} mee")),
        ("Ernstige klachten", ratio(Ratio(a.serious, a.total)) if a.total else "0",
         f"met spoed af te handelen, binnen {t.serious_days} dagen"),
        (f"Reactie binnen {t.reaction_days} dagen", ratio(a.reaction),
         f"{n(pending_reaction, 'klacht', 'klachten')} nog binnen de reactietermijn" if pending_reaction
         else "eerste reactie aan de klant"),
        ("Afgehandeld binnen de termijn (zonder verlenging)", ratio(a.handling_original),
         f"binnen {n(t.handling_months, 'maand', 'maanden')}; ernstige klachten binnen {t.serious_days} dagen"),
        ("Afgehandeld binnen de termijn (met verlenging)", ratio(a.handling),
         f"{n(a.extended, 'klacht', 'klachten')} op tijd verlengd"
         + (f"; {pending_handling} nog binnen de termijn in behandeling" if pending_handling else "")),
        ("Doorlooptijd ontvangst tot afhandeling", lead_text(a),
         "de helft was binnen de mediaan afgehandeld"),
        ("Schriftelijke terugkoppeling verstuurd", ratio(a.feedback), "van de afgehandelde klachten"),
        ("Tevredenheid gemeten", satisfaction_text(a),
         f"na afhandeling; score 1 (slecht) tot 5 (uitstekend), meten binnen {t.satisfaction_days} dagen"),
        ("Voorgelegd aan de onafhankelijke derde partij", escalation_text(a),
         "het oordeel is bindend voor beide partijen"),
        ("Verbeteracties", f"{actions}, waarvan {done} doorgevoerd" if actions else "geen",
         f"bij {n(causes, 'oorzaak', 'oorzaken')}" if actions else "geen verbeteracties vastgelegd"),
        ("Terugkerende patronen", str(len(a.patterns)), "zie Patronen" if a.patterns else "geen gesignaleerd"),
    ]


def summary_lines(a: Analysis) -> list[str]:
    """The compact Dutch terminal summary (the notes of `data_notes` come separately)."""
    lines = [f"Klachtenanalyse {period_text(a.period)}"]
    if a.total == 0:
        return lines + ["In deze periode zijn geen klachten ontvangen; er valt niets te berekenen."]
    rows = [(topic, value) for topic, value, _ in key_figures(a)]
    rows[-1:-1] = [("Meeste klachten per categorie", _top(a.by_category)),
                   ("Vaakst genoemde oorzaken", _top(a.by_cause))]
    width = max(len(topic) for topic, _ in rows)
    lines += [f"{topic:<{width}}  {value}" for topic, value in rows]
    return lines + [f"Patroon: {pattern_sentence(p.kind, p.subject, p.numbers, p.status)}" for p in a.patterns]


def pattern_sentence(kind: str, subject: str, numbers: Sequence[str], status: str) -> str:
    listed = _and(list(numbers))
    if kind == "na-verbetering":
        return (f"oorzaak '{subject}' kwam terug nadat de verbeteractie was doorgevoerd: {listed} ({status}); "
                "werkt de verbetering?")
    if kind == "opleiding":
        return f"{subject}: {n(len(numbers), 'klacht', 'klachten')} ({listed})."
    return f"oorzaak '{subject}' {len(numbers)} keer ({listed}); {status}."


# --- notes and the text per report section ---------------------------------------------------

def data_notes(a: Analysis) -> list[str]:
    """What the reader must know to trust the figures: rows left out or skipped."""
    notes = []
    if a.undated:
        notes.append(f"{n(a.undated, 'klacht', 'klachten')} zonder leesbare Datum ontvangst "
                     f"{'is' if a.undated == 1 else 'zijn'} niet meegeteld (de maandcontrole noemt ze).")
    if a.unknown:
        notes.append(f"{n(a.unknown, 'klacht', 'klachten')} met een onleesbare of onmogelijke datum "
                     "(bijvoorbeeld afhandeling vóór ontvangst): niet meegeteld bij de termijnen en de "
                     "doorlooptijd (de maandcontrole noemt ze).")
    if a.total and a.total < SMALL_N:
        notes.append(f"Kleine aantallen (n = {a.total}): één klacht verschuift een percentage sterk.")
    return notes


def method_notes(a: Analysis) -> list[str]:
    """How the figures are counted, for the reader of the report (and the auditor)."""
    t = a.terms
    return [
        (f"Alle cijfers gaan over de klachten die van {period_text(a.period)} zijn ontvangen, bekeken op "
        f"{dutch(a.today)}; ook klachten die na de bewaartermijn zijn vernietigd tellen mee."),
        ("Elk percentage staat met het aantal waarop het is berekend (x van n). Klachten die nog binnen "
        "hun termijn lopen tellen bij dat percentage nog niet mee; een openstaande klacht waarvan de "
        "termijn voorbij is telt als te laat."),
        (f"Termijnen volgens de klachtenprocedure: reactie binnen {t.reaction_days} dagen, afhandeling "
        f"binnen {n(t.handling_months, 'maand', 'maanden')} (ernstige klachten binnen {t.serious_days} "
        "dagen), of tot de datum uit een verlengingsbericht dat binnen die termijn is verstuurd."),
        ("Doorlooptijd: dagen van ontvangst tot afhandeling. De mediaan is de middelste waarde; '90% binnen' "
        "is de kortste doorlooptijd waarbinnen 90% van de klachten is afgehandeld."),
        ("Oorzaken, categorieën en opleidingen zijn samengenomen ongeacht hoofdletters, spaties en een punt "
        "aan het eind."),
    ]


def section_texts(a: Analysis) -> dict[str, str]:
    """A short text per report section, written from the figures."""
    if a.total == 0:
        return {key: "Geen klachten in deze periode." for key in STEPS}
    t = a.terms
    busiest = max(a.months, key=lambda m: m[1])
    known_causes = sum(x.count for x in a.by_cause if x.label is not None)
    open_without_cause = sum(1 for f in a.facts if f.cause is None and f.handled is None)
    actions, done = improvement_count(a)
    causes_with_action = sum(1 for g in a.improvements if g.cause is not None and g.actions)
    causes = sum(1 for g in a.improvements if g.cause is not None)
    s = a.satisfaction
    high = sum(count for score, count in s.distribution if score >= 4)
    low = sum(count for score, count in s.distribution if score <= 2)
    ruled = [f for f in a.escalations if f.ruling]
    texts = {
        "kerncijfers": (f"Van {period_text(a.period)} zijn {n(a.total, 'klacht', 'klachten')} ontvangen. "
                        f"Bij {ratio(a.reaction)} is binnen {t.reaction_days} dagen gereageerd en "
                        f"{ratio(a.handling)} is binnen de termijn afgehandeld (verlenging meegerekend)."),
        "maand": (f"Gemiddeld {decimal(a.total / len(a.months))} klachten per maand; de meeste in "
                  f"{month(busiest[0], long=True)} ({busiest[1]}). "
                  + (f"{n(a.serious, 'klacht was', 'klachten waren')} ernstig en met spoed af te handelen."
                     if a.serious else "Er waren geen ernstige klachten.")),
        "categorie": _leader_text(a.by_category, a.total, "De meeste klachten gaan over"),
        "oorzaak": (f"Bij {known_causes} van de {a.total} klachten is de oorzaak vastgelegd"
                    + (f"; {open_without_cause} zonder oorzaak {'is' if open_without_cause == 1 else 'zijn'} "
                       "nog in behandeling" if open_without_cause else "")
                    + ". De procedure vraagt de oorzaak centraal te zetten, niet het symptoom. "
                    + _leader_text(a.by_cause, a.total, "Vaakst genoemd:")),
        "kenmerken": (_leader_text(a.by_course, a.total, "De opleiding met de meeste klachten:") + " "
                      + "Naar type klant: " + ", ".join(f"{label(x).lower()} {x.count}" for x in a.by_client_type)
                      + ". Meest gebruikte manier van indienen: " + _top(a.by_channel, 1) + "."),
        "termijnen": (f"Bij {ratio(a.reaction)} van de klachten is binnen {t.reaction_days} dagen gereageerd. "
                      f"Binnen de oorspronkelijke termijn afgehandeld: {ratio(a.handling_original)}; met "
                      f"meegerekende verlenging {ratio(a.handling)}. Doorlooptijd: {lead_text(a)}."),
        "tevredenheid": (f"Schriftelijke terugkoppeling is verstuurd bij {ratio(a.feedback)} van de afgehandelde "
                         f"klachten. De tevredenheid is gemeten bij {ratio(s.measured)}"
                         + (f", gemiddeld {decimal(s.average)} op een schaal van 1 tot 5 (n = {s.scores}); "
                            f"{high} keer een 4 of 5 en {low} keer een 1 of 2." if s.scores else
                            "; er zijn nog geen scores.")),
        "derde_partij": (f"{n(len(a.escalations), 'klacht is', 'klachten zijn')} voorgelegd aan de onafhankelijke "
                         f"derde partij ({percent(Ratio(len(a.escalations), a.total))} van alle klachten); "
                         f"bij {len(ruled)} is de uitspraak bekend, {len(a.escalations) - len(ruled)} "
                         f"{'loopt' if len(a.escalations) - len(ruled) == 1 else 'lopen'} nog."
                         if a.escalations else "Geen klachten voorgelegd aan de onafhankelijke derde partij."),
        "verbeteracties": (f"Bij {causes_with_action} van de {n(causes, 'oorzaak', 'oorzaken')} is een "
                           f"verbeteractie vastgelegd; {done} van de {n(actions, 'verbeteractie', 'verbeteracties')} "
                           f"{'is' if done == 1 else 'zijn'} doorgevoerd." if actions else
                           "Er zijn geen verbeteracties vastgelegd bij de klachten uit deze periode."),
        "patronen": (f"{n(len(a.patterns), 'patroon', 'patronen')} gesignaleerd: oorzaken die vaker voorkomen, "
                     "opleidingen met meer klachten van dezelfde soort, en oorzaken die terugkwamen nadat de "
                     "verbetering was doorgevoerd. Hier liggen de kansen voor gerichte verbetering."
                     if a.patterns else "Geen terugkerende oorzaken of opleidingen met meer klachten van "
                     "dezelfde soort in deze periode."),
    }
    return texts


def _leader_text(tallies: Sequence[Tally], total: int, lead: str) -> str:
    known = [x for x in tallies if x.label is not None]
    if not known:
        return "Hierover is niets vastgelegd."
    first = known[0]
    text = f"{lead} {first.label} ({first.count} van {total}, {percent(first.share)})"
    ties = [x.label for x in known[1:] if x.count == first.count]
    if ties:
        text += f", evenveel als {_and([str(x) for x in ties])}"
    elif len(known) > 1:
        text += f", gevolgd door {known[1].label} ({known[1].count})"
    return text + "."


# --- JSON ------------------------------------------------------------------------------------

def to_json(a: Analysis) -> dict[str, Any]:
    """`formkit analyse --json`: every figure, dates as YYYY-MM-DD, Dutch keys like `controle`."""
    s = a.satisfaction
    return {
        "periode": {"van": a.period.start.isoformat(), "tot": a.period.end.isoformat()},
        "peildatum": a.today.isoformat(),
        "aantal": a.total, "ernstig": a.serious, "vernietigd": a.anonymised,
        "zonder_datum_ontvangst": a.undated, "onleesbare_datums": a.unknown,
        "per_maand": [{"maand": f"{m:%Y-%m}", "aantal": count, "ernstig": serious}
                      for m, count, serious in a.months],
        "per_categorie": _tallies(a.by_category), "per_oorzaak": _tallies(a.by_cause),
        "per_opleiding": _tallies(a.by_course), "per_type_klant": _tallies(a.by_client_type),
        "per_wijze_van_indienen": _tallies(a.by_channel),
        "reactie_op_tijd": _ratio(a.reaction) | {"loopt_nog": a.pending("reaction")},
        "afhandeling_op_tijd_zonder_verlenging": _ratio(a.handling_original),
        "afhandeling_op_tijd": _ratio(a.handling) | {"loopt_nog": a.pending("handling"), "verlengd": a.extended},
        "doorlooptijd": {"n": a.lead.n, "mediaan": a.lead.median, "p90": a.lead.p90,
                         "verdeling": [{"dagen": text, "aantal": count} for text, count in a.lead.buckets]},
        "terugkoppeling": _ratio(a.feedback),
        "tevredenheid": {"gemeten": _ratio(s.measured), "n": s.scores,
                         "gemiddelde": round(s.average, 2) if s.average is not None else None,
                         "verdeling": {str(score): count for score, count in s.distribution},
                         "geen_score": s.unreadable},
        "derde_partij": [{"klachtnummer": f.number, "derde_partij": f.third_party,
                          "datum_voorgelegd": _date(f.submitted), "uitspraak": f.ruling} for f in a.escalations],
        "verbeteracties": [{"oorzaak": g.cause, "klachten": g.complaints, "klachtnummers": list(g.numbers),
                            "acties": [{"klachtnummer": x.number, "verbeteractie": x.text,
                                        "doorgevoerd": _date(x.done)} for x in g.actions]}
                           for g in a.improvements],
        "patronen": [{"soort": p.kind, "onderwerp": p.subject, "klachtnummers": list(p.numbers),
                      "status": p.status} for p in a.patterns],
        "opmerkingen": data_notes(a),
    }


def _ratio(r: Ratio) -> dict[str, Any]:
    return {"aantal": r.count, "n": r.n, "procent": round(r.percent, 1) if r.percent is not None else None}


def _tallies(tallies: Sequence[Tally]) -> list[dict[str, Any]]:
    return [{"waarde": t.label, **({"ontbreekt": t.missing} if t.label is None else {}), "aantal": t.count,
             "ernstig": t.serious, "procent": round(t.share.percent or 0, 1)} for t in tallies]


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def outcome(value: str) -> str:
    return OUTCOMES[value]


def fact_row(f: Fact) -> list[Any]:
    """One line of the 'Klachten' sheet: how each complaint was counted (no personal data)."""
    return [f.number, f.received, "ja" if f.serious else "nee", f.category or "", f.cause or "", f.course or "",
            f.client_type or "", f.channel or "", outcome(f.reaction), outcome(f.handling_original),
            outcome(f.handling), f.handled, f.lead_days,
            "" if f.feedback is None else ("ja" if f.feedback else "nee"), f.score,
            f.third_party or ("ja" if f.escalated else ""), "ja" if f.anonymised else ""]
