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
class Settings:
    root: Path
    organisation: Organisation = field(default_factory=Organisation)
    handlers: tuple[Handler, ...] = ()
    terms: Terms = field(default_factory=Terms)
    third_parties: ThirdParties = field(default_factory=ThirdParties)
    categories: tuple[str, ...] = DEFAULT_CATEGORIES
    keep_columns: tuple[str, ...] = ()  # staff columns that survive `vernietig`
    register_path: Path = Path("register/klachtenregister.xlsx")
    templates_dir: Path = Path("templates")
    dossiers_dir: Path = Path("dossiers")
    forms_dir: Path = Path("formulieren")
    reports_dir: Path = Path("rapporten")
    signatures_dir: Path = Path("handtekeningen")

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


def load_settings(root: Path, register: Path | None = None) -> Settings:
    """Read formkit.toml in `root`; a missing file means the defaults (no handlers)."""
    root = Path(root).resolve()
    path = root / CONFIG_NAME
    data: dict = {}
    if path.exists():
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            curly = " Let op: gebruik rechte aanhalingstekens (\"), geen gekrulde (“ ”)." if "“" in path.read_text(
                encoding="utf-8", errors="replace") or "”" in path.read_text(encoding="utf-8", errors="replace") else ""
            raise ConfigError(f"{path}: de instellingen zijn niet te lezen ({exc}).{curly}") from None
    try:
        settings = _from_dict(root, data)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"{path}: onjuiste instelling ({exc}).") from None
    if register is not None:
        settings = _replace(settings, register_path=Path(register).resolve())
    return settings


def _replace(settings: Settings, **changes) -> Settings:
    return replace(settings, **changes)


def _from_dict(root: Path, data: dict) -> Settings:
    org = data.get("organisatie", {})
    organisation = Organisation(
        name=str(org.get("naam", Organisation.name)),
        address=str(org.get("adres", "")),
        postcode=str(org.get("postcode", "")),
        city=str(org.get("plaats", Organisation.city)),
        phone=str(org.get("telefoon", "")),
        email=str(org.get("email", "")),
        website=str(org.get("website", "")),
    )
    handlers = tuple(
        Handler(
            name=str(h["naam"]).strip(),
            function=str(h.get("functie", "")),
            signature=str(h.get("handtekening", "")),
            email=str(h.get("email", "")),
            phone=str(h.get("telefoon", "")),
        )
        for h in data.get("behandelaar", [])
    )
    t = data.get("termijnen", {})
    d = Terms()
    terms = Terms(
        reaction_days=_int(t, "reactie_dagen", d.reaction_days),
        handling_months=_int(t, "afhandeling_maanden", d.handling_months),
        serious_days=_int(t, "ernstig_dagen", d.serious_days),
        nearly_late_days=_int(t, "bijna_te_laat_dagen", d.nearly_late_days),
        satisfaction_days=_int(t, "tevredenheid_dagen", d.satisfaction_days),
        retention_years=_int(t, "bewaren_jaren", d.retention_years),
        retention_warning_days=_int(t, "vernietigen_waarschuwing_dagen", d.retention_warning_days),
        backup_days=_int(t, "backup_dagen", d.backup_days),
    )
    tp = data.get("derde_partij", {})
    dtp = ThirdParties()
    third = ThirdParties(
        private=str(tp.get("particulier", dtp.private)),
        private_web=str(tp.get("particulier_website", dtp.private_web)),
        business=str(tp.get("bedrijf", dtp.business)),
        business_web=str(tp.get("bedrijf_website", dtp.business_web)),
    )
    reg = data.get("register", {})
    paths = data.get("paden", {})
    return Settings(
        root=root,
        organisation=organisation,
        handlers=handlers,
        terms=terms,
        third_parties=third,
        categories=tuple(str(c) for c in reg.get("categorieen", DEFAULT_CATEGORIES)),
        keep_columns=tuple(str(c) for c in reg.get("bewaarbare_kolommen", ())),
        register_path=Path(paths.get("register", "register/klachtenregister.xlsx")),
        templates_dir=Path(paths.get("templates", "templates")),
        dossiers_dir=Path(paths.get("dossiers", "dossiers")),
        forms_dir=Path(paths.get("formulieren", "formulieren")),
        reports_dir=Path(paths.get("rapporten", "rapporten")),
        signatures_dir=Path(paths.get("handtekeningen", "handtekeningen")),
    )


def _int(table: dict, key: str, default: int) -> int:
    value = table.get(key, default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"termijnen.{key} moet een heel getal van 0 of meer zijn, niet {value!r}")
    return value
