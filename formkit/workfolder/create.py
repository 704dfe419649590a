"""`formkit init`: a new working folder as SPEC.md lays it out."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

from formkit.documents import bundled_templates
from formkit.documents.signature import placeholder_signature
from formkit.errors import FormkitError
from formkit.register.new import write_new_register
from formkit.settings import CONFIG_NAME, Settings, load_settings

FOLDERS = ("register", "templates", "handtekeningen", "dossiers", "formulieren", "rapporten")


@dataclass
class InitResult:
    settings: Settings
    created: list[Path] = field(default_factory=list)
    kept: list[Path] = field(default_factory=list)


def default_settings_text() -> str:
    """The commented formkit.toml that `init` writes (package data of formkit.workfolder)."""
    return (resources.files(__package__) / "formkit.toml").read_text(encoding="utf-8")


def init_workfolder(folder: Path) -> InitResult:
    """Create settings, register, templates and folders; refuses to overwrite a register."""
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / CONFIG_NAME
    created: list[Path] = []
    kept: list[Path] = []
    if config.exists():
        kept.append(config)
    else:
        config.write_text(default_settings_text(), encoding="utf-8")
        created.append(config)
    settings = load_settings(folder)
    if settings.register.exists():
        raise FormkitError(
            f"Er staat al een register in {settings.register}. formkit init overschrijft het niet; "
            "kies een lege map of verplaats het bestaande register eerst."
        )
    for name in FOLDERS:
        (folder / name).mkdir(exist_ok=True)
    for path in (settings.templates, settings.dossiers, settings.forms, settings.reports, settings.signatures):
        path.mkdir(parents=True, exist_ok=True)
    handlers = [h.name for h in settings.handlers]
    created.append(write_new_register(settings.register, handlers, settings.categories))
    for template in bundled_templates():
        target = settings.templates / template.name
        if target.exists():
            kept.append(target)
        else:
            shutil.copyfile(template, target)
            created.append(target)
    created += _signatures(settings, kept)
    return InitResult(settings, created, kept)


def _signatures(settings: Settings, kept: list[Path]) -> list[Path]:
    """A placeholder signature per handler, to be replaced by a scan of the real one."""
    made = []
    for handler in settings.handlers:
        if not handler.signature:
            continue
        target = settings.root / handler.signature
        if target.exists():
            kept.append(target)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        placeholder_signature(handler.name, target)
        made.append(target)
    return made
