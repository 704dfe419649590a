"""Settings from formkit.toml and the paths of a working folder (SPEC.md "Working folder")."""

from __future__ import annotations

import datetime as dt
import re
import tomllib
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path

from formkit.errors import ConfigError

CONFIG_NAME = "formkit.toml"

DEFAULT_CATEGORIES = (
    "Inhoud opleiding",
    "Docent of trainer",
    "Planning en organisatie",
    "Communicatie en informatie",
    "Facturering en betaling",
    "Locatie en faciliteiten",
    "Examen en certificering",
    "Overig",
)


@dataclass(frozen=True)
class Handler:
    name: str
    function: str = ""
    signature: str = ""  # path relative to the working folder
    email: str = ""
    phone: str = ""


@dataclass(frozen=True)
class Organisation:
    name: str = "STAP Brabant"
    address: str = ""
    postcode: str = ""
    city: str = "Gemonde"
    phone: str = ""
    email: str = ""
    website: str = ""


@dataclass(frozen=True)
class Terms:
    """Deadlines of the procedure, in days unless the name says otherwise."""

    reaction_days: int = 7
    handling_months: int = 1
    serious_days: int = 7
    nearly_late_days: int = 7
    satisfaction_days: int = 30
    retention_years: int = 2
    retention_warning_days: int = 60
    backup_days: int = 30


@dataclass(frozen=True)
class ThirdParties:
    private: str = "De Geschillencommissie"
    private_web: str = "www.degeschillencommissie.nl"
    business: str = "de Commissie van Kwaliteitshandhaving van de NRTO"
    business_web: str = "www.nrto.nl"


@dataclass(frozen=True)
class Signing:
    """[ondertekening]: the organisation's certificate for digital signatures on letters."""

    certificate: str = ""  # a PKCS#12 file (.p12/.pfx), relative to the working folder
    reason: str = ""
    location: str = ""
    timestamp_url: str = ""  # a time-stamping authority: signatures become PAdES B-T


@dataclass(frozen=True)
class Settings:
    root: Path
    organisation: Organisation = field(default_factory=Organisation)
    handlers: tuple[Handler, ...] = ()
    terms: Terms = field(default_factory=Terms)
    third_parties: ThirdParties = field(default_factory=ThirdParties)
    signing: Signing = field(default_factory=Signing)
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    keep_columns: tuple[str, ...] = ()  # staff columns that survive `vernietig`
    register_path: Path = Path("register/klachtenregister.xlsx")
    templates_dir: Path = Path("templates")
    dossiers_dir: Path = Path("dossiers")
    forms_dir: Path = Path("formulieren")
    reports_dir: Path = Path("rapporten")
    signatures_dir: Path = Path("handtekeningen")
    notes: tuple[str, ...] = ()  # Dutch, for the user: how the file was read

    @property
    def register(self) -> Path:
        return self._abs(self.register_path)

    @property
    def templates(self) -> Path:
        return self._abs(self.templates_dir)

    @property
    def dossiers(self) -> Path:
        return self._abs(self.dossiers_dir)

    @property
    def forms(self) -> Path:
        return self._abs(self.forms_dir)

    @property
    def reports(self) -> Path:
        return self._abs(self.reports_dir)

    @property
    def signatures(self) -> Path:
        return self._abs(self.signatures_dir)

    def _abs(self, p: Path) -> Path:
        return p if p.is_absolute() else self.root / p

    def handler(self, name: str | None) -> Handler | None:
        """The handler whose name matches (trimmed, case-insensitive)."""
        known = self._handler_of  # by the text as typed: a register repeats a few names many times
        if name not in known:
            known[name] = self._handlers_by_name.get(" ".join((name or "").split()).lower())
        return known[name]

    @cached_property
    def _handler_of(self) -> dict[str | None, Handler | None]:
        return {}

    @cached_property
    def _handlers_by_name(self) -> dict[str, Handler]:
        return {" ".join(h.name.split()).lower(): h for h in reversed(self.handlers)}

    def dossier(self, number: str) -> Path:
        return self.dossiers / number

    def dossier_file(self, number: str, day: dt.date, word: str, suffix: str) -> Path:
        """'dossiers/K-2026-014/2026-11-24 ontvangst K-2026-014.docx': how SPEC.md names a dossier's files."""
        safe = re.sub(r'[<>:"/\\|?*\x00-\x1f]', "_", number.strip())
        return self.dossier(number) / f"{day.isoformat()} {word} {safe}{suffix}"


def find_workfolder(start: Path) -> Path | None:
    """The nearest folder at or above `start` that holds formkit.toml (as git finds its repository)."""
    start = Path(start).resolve()
    for folder in (start, *start.parents):
        if (folder / CONFIG_NAME).is_file():
            return folder
    return None


def load_settings(root: Path, register: Path | None = None) -> Settings:
    """Read formkit.toml in `root`; a missing file means the defaults (no handlers).

    A file Notepad saved with a BOM reads as any other; one saved as ANSI (Windows-1252) is read
    as such, with a note. Every problem is a Dutch message with the line and column.
    """
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    data: dict = {}
    notes: tuple[str, ...] = ()
    text = ""
    if path.exists():
        raw = path.read_bytes()
        try:
            text = raw.decode("utf-8-sig")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
            notes = (f"{path} is niet als UTF-8 opgeslagen; formkit heeft het gelezen als Windows-tekst (ANSI). "
                     "Sla het in Kladblok op met Codering: UTF-8 om dit bericht te voorkomen.",)
        try:
            data = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise ConfigError(_toml_message(path, text, str(exc))) from None
    try:
        settings = _from_dict(root, data)
    except _BadSetting as exc:
        line = _line_of(text, exc.key)
        where = f", regel {line}" if line else ""
        raise ConfigError(f"{path}{where}: {exc.text}") from None
    settings = replace(settings, notes=notes)
    if register is not None:
        settings = replace(settings, register_path=Path(register).resolve())
    return settings


# tomllib's messages (Python 3.11) -> what a Notepad user should look for.
_TOML_MESSAGES = (
    ("Unescaped '\\'", "een \\ tussen dubbele aanhalingstekens"),
    ("Invalid value", "deze waarde is niet te lezen: zet tekst tussen rechte aanhalingstekens (\"...\" of '...'), "
                      "getallen zonder"),
    ("Unterminated string", "een aanhalingsteken wordt niet afgesloten"),
    ("Cannot overwrite a value", "deze instelling staat twee keer in hetzelfde blok"),
    ("Cannot declare", "dit blok staat twee keer in het bestand"),
    ("Expected '=' after a key", "na de naam van een instelling hoort een = met de waarde"),
    ("Expected newline or end of document", "na de waarde staat nog iets op dezelfde regel; zet uitleg achter #"),
    ("Expected ']'", "een blok zoals [organisatie] wordt niet afgesloten met ]"),
    ("Invalid statement", "deze regel is geen instelling (naam = waarde), geen blok ([naam]) en geen uitleg (# ...)"),
    ("Illegal character", "er staat een teken dat hier niet mag (een tab of besturingsteken in tekst?)"),
    ("Invalid initial character for a key part", "de naam van een instelling begint met een teken dat niet mag"),
)


def _toml_message(path: Path, text: str, english: str) -> str:
    """A Dutch message with line and column for a formkit.toml tomllib cannot read."""
    m = re.search(r"\(at line (\d+), column (\d+)\)", english)
    line, column = (int(m[1]), int(m[2])) if m else (text.count("\n") + 1, 1)
    what = next((dutch for key, dutch in _TOML_MESSAGES if english.startswith(key)), "deze regel is niet te lezen")
    lines = text.splitlines()
    shown = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    message = f"{path}, regel {line}, kolom {column}: {what}" + (f": {shown}" if shown else "") + "."
    if re.search(r'"[A-Za-z]:\\', shown) or english.startswith("Unescaped"):
        fixed = re.sub(r'"([^"]*)"', r"'\1'", shown)
        message += (f" Een Windows-pad schrijft u tussen enkele aanhalingstekens, dan telt \\ gewoon mee: {fixed}")
    elif any(ch in shown for ch in "“”‘’"):
        message += " Gebruik rechte aanhalingstekens (\" of '), geen gekrulde (“ ”)."
    return message


class _BadSetting(Exception):
    """A setting with a wrong value: its key (to find the line) and the Dutch explanation."""

    def __init__(self, key: str, text: str) -> None:
        super().__init__(text)
        self.key, self.text = key, text


def _line_of(text: str, key: str) -> int | None:
    for number, line in enumerate(text.splitlines(), start=1):
        if re.match(rf"\s*{re.escape(key)}\s*=", line):
            return number
    return None


def _from_dict(root: Path, data: dict) -> Settings:
    org = _table(data, "organisatie")
    handlers = []
    listed = data.get("behandelaar", [])
    if not isinstance(listed, list):
        raise _BadSetting("behandelaar", "[[behandelaar]] hoort een lijst van blokken te zijn, elk met naam = \"...\".")
    for h in listed:
        name = str(h.get("naam", "")).strip() if isinstance(h, dict) else ""
        if not name:
            raise _BadSetting("[[behandelaar]]", "een [[behandelaar]] zonder naam; vul naam = \"...\" in of haal "
                                                 "het blok weg.")
        handlers.append(Handler(name=name, function=_text(h, "functie"), signature=_text(h, "handtekening"),
                                email=_text(h, "email"), phone=_text(h, "telefoon")))
    t, d = _table(data, "termijnen"), Terms()
    tp, dtp = _table(data, "derde_partij"), ThirdParties()
    reg, paths = _table(data, "register"), _table(data, "paden")
    sign = _table(data, "ondertekening")
    return Settings(
        root=root,
        organisation=Organisation(
            name=_text(org, "naam", Organisation.name), address=_text(org, "adres"),
            postcode=_text(org, "postcode"), city=_text(org, "plaats", Organisation.city),
            phone=_text(org, "telefoon"), email=_text(org, "email"), website=_text(org, "website")),
        handlers=tuple(handlers),
        terms=Terms(
            reaction_days=_int(t, "reactie_dagen", d.reaction_days),
            handling_months=_int(t, "afhandeling_maanden", d.handling_months),
            serious_days=_int(t, "ernstig_dagen", d.serious_days),
            nearly_late_days=_int(t, "bijna_te_laat_dagen", d.nearly_late_days),
            satisfaction_days=_int(t, "tevredenheid_dagen", d.satisfaction_days),
            retention_years=_int(t, "bewaren_jaren", d.retention_years),
            retention_warning_days=_int(t, "vernietigen_waarschuwing_dagen", d.retention_warning_days),
            backup_days=_int(t, "backup_dagen", d.backup_days)),
        third_parties=ThirdParties(
            private=_text(tp, "particulier", dtp.private),
            private_web=_text(tp, "particulier_website", dtp.private_web),
            business=_text(tp, "bedrijf", dtp.business),
            business_web=_text(tp, "bedrijf_website", dtp.business_web)),
        signing=Signing(certificate=_text(sign, "certificaat"), reason=_text(sign, "reden"),
                        location=_text(sign, "plaats"), timestamp_url=_text(sign, "tijdstempel")),
        categories=_texts(reg, "categorieen", DEFAULT_CATEGORIES),
        keep_columns=_texts(reg, "bewaarbare_kolommen", ()),
        register_path=Path(_text(paths, "register", "register/klachtenregister.xlsx")),
        templates_dir=Path(_text(paths, "templates", "templates")),
        dossiers_dir=Path(_text(paths, "dossiers", "dossiers")),
        forms_dir=Path(_text(paths, "formulieren", "formulieren")),
        reports_dir=Path(_text(paths, "rapporten", "rapporten")),
        signatures_dir=Path(_text(paths, "handtekeningen", "handtekeningen")),
    )


def _table(data: dict, name: str) -> dict:
    table = data.get(name, {})
    if not isinstance(table, dict):
        raise _BadSetting(name, f"{name} hoort een blok [{name}] te zijn, geen losse waarde.")
    return table


def _text(table: dict, key: str, default: str = "") -> str:
    value = table.get(key, default)
    if isinstance(value, dict | list):
        raise _BadSetting(key, f"{key} hoort tekst te zijn, tussen aanhalingstekens.")
    return str(value)


def _texts(table: dict, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
    value = table.get(key, default)
    if not isinstance(value, list | tuple):
        raise _BadSetting(key, f"{key} hoort een lijst te zijn: [\"...\", \"...\"].")
    return tuple(str(v) for v in value)


def _int(table: dict, key: str, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise _BadSetting(key, f"{key} moet een heel getal van 0 of meer zijn (zonder aanhalingstekens), "
                               f"niet {value!r}.")
    return value
