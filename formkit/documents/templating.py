"""Word templates rendered safely with docxtpl: strict names, escaped values, clear Dutch errors.

Staff edit the templates in Word, so a broken template is reported exactly (which names, which
tag, which file), and values are data: never evaluated, never able to break the document's XML.
"""

from __future__ import annotations

import difflib
import html
import io
import re
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from docx.image.image import Image
from docx.oxml import parse_xml
from docx.oxml.ns import qn
from docx.shared import Mm
from docxtpl import DocxTemplate, InlineImage
from jinja2 import StrictUndefined, TemplateSyntaxError, UndefinedError, meta, nodes
from jinja2 import TemplateError as JinjaError
from jinja2.sandbox import SandboxedEnvironment
from markupsafe import Markup, escape

from formkit.atomic import atomic_save
from formkit.errors import DocumentError, TemplateError
from formkit.settings import Settings

SIGNATURE_WIDTH = Mm(40)
CURLY = "‘’‚‛“”„‟′″«»"
_ILLEGAL = re.compile("[\x00-\x08\x0e-\x1f\x7f-\x84\x86-\x9f\ud800-\udfff\ufffe\uffff]")
_TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
_HINTS = (  # Jinja's message -> what a Word user should look for
    ("unexpected end of template", "Een {% if %} of {% for %} wordt niet afgesloten met {% endif %} of "
                                   "{% endfor %} (met p erbij: {%p endif %}). "),
    ("unknown tag", "Er staat een opdracht zonder begin (bijvoorbeeld {% endif %} zonder {% if %}) of een "
                    "onbekende opdracht. "),
    ("unexpected '}'", "Er ontbreekt of staat een accolade te veel; schrijf {{ naam }} of {% opdracht %}. "),
    ("unexpected char", "Er staat een teken in de code dat daar niet mag (let op aanhalingstekens). "),
    ("no filter named", "Er wordt een filter (na |) gebruikt dat niet bestaat. "),
    ("expected token 'end of print statement'", "Tussen {{ en }} staat meer dan één naam of een spatie "
                                                "in een naam. "),
)


def clean_text(value: object) -> str:
    """A value as it may reach a document: trimmed, \\n line ends, no XML-illegal characters."""
    if value is None:
        return ""
    text = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\x0b", "\n").replace("\x0c", "\n")
    return _ILLEGAL.sub("", text.replace("\x85", "\n")).strip()


def _finalize(value: object) -> object:
    """Every printed value becomes escaped XML text; braces are encoded so nothing reads as a tag."""
    if value is None:
        return ""
    if hasattr(value, "__html__"):  # InlineImage, RichText, Listing: docxtpl's own XML
        return value
    text = str(escape(clean_text(value)))
    return Markup(text.replace("{", "&#123;").replace("}", "&#125;"))


_SPACED = re.compile(r"\{\s+[{%][^}]*\}+|\{[{%][^}]*[}%]\s+\}")  # '{ { naam }}' or '{{ naam } }'


class _Environment(SandboxedEnvironment):
    """Strict, autoescaping, sandboxed; compiles each template part once per batch."""

    def __init__(self) -> None:
        super().__init__(autoescape=True, undefined=StrictUndefined, finalize=_finalize)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source: Any, globals: Any = None, template_class: Any = None) -> Any:
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        if source not in self._compiled:
            self._compiled[source] = super().from_string(source)
        return self._compiled[source]


class _BatchTemplate(DocxTemplate):
    """docxtpl re-patches each part's XML on every render; the result depends only on the template."""

    def __init__(self, template: Any, patched: dict[str, str]) -> None:
        super().__init__(template)
        self._patched = patched

    def patch_xml(self, xml: str) -> str:
        if xml not in self._patched:
            self._patched[xml] = super().patch_xml(xml)
        return self._patched[xml]


class Renderer:
    """One template, read and checked once, rendered for every complaint of a batch."""

    def __init__(self, settings: Settings, template_name: str) -> None:
        self.settings = settings
        self.path = settings.templates / template_name
        try:
            self._bytes = self.path.read_bytes()
        except FileNotFoundError:
            raise DocumentError(f"Het sjabloon {self.path} ontbreekt. Zet het terug (formkit init in een "
                                "lege map maakt een nieuw exemplaar) of pas [paden] in formkit.toml aan.") from None
        except OSError as exc:
            raise DocumentError(f"Het sjabloon {self.path} is niet te lezen ({exc.strerror}).") from None
        self._env = _Environment()
        self._patched: dict[str, str] = {}
        self._asts: list[nodes.Template] = []
        self._uses: list[tuple[set[str], list[list[Any]]]] = []  # per part: free names, attribute paths
        self.names: set[str] = set()  # top-level names the template uses (klacht, brief, handtekening, ...)
        self.used: set[str] = set()  # every name as far as the template spells it out: klacht.naam, termijn
        self._images: dict[str, bytes] = {}
        self._check()

    def _check(self) -> None:
        """Parse every part now, so a broken template fails before any document is written."""
        try:
            tpl = DocxTemplate(io.BytesIO(self._bytes))
            tpl.init_docx()
        except Exception:
            raise DocumentError(f"Het sjabloon {self.path} is geen geldig Word-bestand (.docx).") from None
        parts = [("de tekst", tpl.get_xml())]
        for uri, label in ((tpl.HEADER_URI, "de koptekst"), (tpl.FOOTER_URI, "de voettekst")):
            parts += [(label, tpl.get_part_xml(part)) for _, part in tpl.get_headers_footers(uri)]
        parts += [("de voetnoten", tpl.get_part_xml(part)) for part in tpl.docx.part.package.parts
                  if part.content_type.endswith("wordprocessingml.footnotes+xml")]
        for prop in ("author", "comments", "identifier", "language", "subject", "title"):
            try:  # docxtpl renders these document properties (Bestand > Info) too
                self._env.from_string(getattr(tpl.docx.core_properties, prop) or "")
            except TemplateSyntaxError as exc:
                raise DocumentError(f"Het sjabloon {self.path} bevat een fout in de documenteigenschappen "
                                    f"(Bestand > Info, '{prop}'): {exc.message}. Verwijder daar {{{{ en {{%.") from None
        for label, xml in parts:
            self._check_quotes(label, xml)
            source = re.sub(r"<w:p([ >])", r"\n<w:p\1", tpl.patch_xml(xml))
            try:
                self._env.from_string(source)
                self._asts.append(self._env.parse(source))
                free = meta.find_undeclared_variables(self._asts[-1])
                self.names |= free
                paths = [_path(n) for n in self._asts[-1].find_all((nodes.Getattr, nodes.Getitem))]
                self._uses.append((free, [p for p in paths if p]))
                self.used |= _spelled_out(self._asts[-1], free)
            except TemplateSyntaxError as exc:
                raise DocumentError(self._syntax_message(label, source, exc)) from None

    def _check_quotes(self, label: str, xml: str) -> None:
        """Word turns " and ' into curly quotes, which Jinja cannot read inside a tag."""
        bad = []
        spaced = []
        for p in parse_xml(xml).iter(qn("w:p")):
            text = "".join(t.text or "" for t in p.iter(qn("w:t")))
            bad += [tag for tag in _TAG.findall(text) if any(ch in CURLY for ch in tag)]
            spaced += _SPACED.findall(text)
        if spaced:
            raise TemplateError(
                f"Het sjabloon {self.path} bevat in {label} een code met een spatie tussen de tekens: "
                f"{'; '.join(spaced[:5])}. Schrijf {{{{ en }}}} (of {{% en %}}) zonder spatie ertussen, "
                "anders komt de code letterlijk in de brief.")
        if bad:
            shown = "; ".join(bad[:5])
            raise DocumentError(
                f"Het sjabloon {self.path} bevat in {label} gekrulde aanhalingstekens (‘ ’ “ ”) binnen een "
                f"code: {shown}. Word maakt die automatisch van \" en '. Typ ze opnieuw als rechte "
                "aanhalingstekens (in Word: direct na het typen Ctrl+Z, of zet in AutoCorrectie "
                "'Rechte aanhalingstekens vervangen door slimme aanhalingstekens' uit).")

    def _syntax_message(self, label: str, source: str, exc: TemplateSyntaxError) -> str:
        lines = source.splitlines()
        where = ""
        if exc.lineno and 0 < exc.lineno <= len(lines):
            text = html.unescape(re.sub(r"<[^>]+>", "", lines[exc.lineno - 1])).strip()
            text = text if len(text) <= 120 else text[:117] + "..."
            where = f", alinea {exc.lineno - 1}: \"{text}\"" if text else f", alinea {exc.lineno - 1}"
        hint = next((text for key, text in _HINTS if key in (exc.message or "").lower()), "")
        return (f"Het sjabloon {self.path} bevat een fout in de sjablooncode (in {label}{where}). "
                f"{hint}(Melding van Jinja: {exc.message})")

    def unknown_names(self, context: dict[str, Any]) -> list[str]:
        """Names the template uses that the context does not have (`klacht.naaam`)."""
        unknown: set[str] = set()
        for free, paths in self._uses:
            unknown |= {n for n in free if n not in context and n not in self._env.globals}
            for path in paths:
                if path[0] in free and path[0] in context:
                    missing = _resolve(context, path)
                    if missing:
                        unknown.add(missing)
        return sorted(unknown)

    def check_names(self, context: dict[str, Any]) -> None:
        """Refuse (TemplateError) a template that uses names this context lacks, suggesting close ones."""
        unknown = self.unknown_names(context)
        if unknown:
            known = list(_paths(context))
            named = [n + (f" (bedoelt u {m[0]}?)" if (m := difflib.get_close_matches(n, known, 1, 0.75)) else "")
                     for n in unknown]
            raise TemplateError(
                f"Het sjabloon {self.path} gebruikt namen die formkit niet kent: {', '.join(named)}. "
                "Verbeter de tekst tussen {{ }} of {% %} in Word; de beschikbare namen staan in "
                "LEESMIJ.md in de map met sjablonen.")

    def render(self, context: dict[str, Any], out_path: Path) -> Path:
        """Render one document and write it atomically; any template problem is a DocumentError."""
        self.check_names(context)
        tpl = _BatchTemplate(io.BytesIO(self._bytes), self._patched)
        values = dict(context)
        signature = context.get("handtekening")
        if signature and "handtekening" in self.names:
            image = self._image(Path(signature), context)
            values["handtekening"] = InlineImage(tpl, io.BytesIO(image), width=SIGNATURE_WIDTH)
        try:
            tpl.render(values, jinja_env=self._env, autoescape=True)
        except UndefinedError as exc:
            raise TemplateError(f"Het sjabloon {self.path} gebruikt een naam die formkit niet kent "
                                f"({exc.message}).") from None
        except JinjaError as exc:
            raise TemplateError(f"Het sjabloon {self.path} kan niet worden ingevuld: {exc.message}.") from None
        except Exception as exc:  # e.g. {{ klacht.naam + 1 }}: a staff edit, not a bug to crash on
            raise TemplateError(f"Het sjabloon {self.path} kan niet worden ingevuld: een code erin werkt niet met "
                                f"de gegevens van deze klacht (technische melding: {exc}). Verbeter die code in "
                                "het sjabloon.") from None
        return _save(tpl, Path(out_path))

    def _image(self, path: Path, context: dict[str, Any]) -> bytes:
        """The signature's bytes, read once per batch and checked to be an image Word can show."""
        key = str(path)
        if key not in self._images:
            who = (context.get("behandelaar") or {}).get("naam") or "de behandelaar"
            try:
                data = path.read_bytes()
                Image.from_blob(data)
            except OSError:
                raise DocumentError(f"De handtekening van {who} ontbreekt of is niet te lezen: {path}.") from None
            except Exception:
                raise DocumentError(f"De handtekening van {who} ({path}) is geen afbeelding die Word kan "
                                    "tonen; gebruik een PNG- of JPG-bestand.") from None
            self._images[key] = data
        return self._images[key]


def _path(node: nodes.Node) -> list[Any] | None:
    """`klacht.naam` / `klacht['naam']` as ['klacht', 'naam'] when it starts at a plain name."""
    parts: list[Any] = []
    while True:
        if isinstance(node, nodes.Getattr):
            parts.append(node.attr)
        elif isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
            parts.append(node.arg.value)
        elif isinstance(node, nodes.Name):
            return [node.name, *reversed(parts)]
        else:
            return None
        node = node.node


def _spelled_out(ast: nodes.Template, free: set[str]) -> set[str]:
    """The longest dotted names the template uses ('klacht.naam'), and free names used bare ('termijn')."""
    lookups: list[nodes.Getattr | nodes.Getitem] = list(ast.find_all((nodes.Getattr, nodes.Getitem)))
    inner = {id(n.node) for n in lookups}  # the part of a longer name, such as `klacht` in klacht.naam
    names = {".".join(map(str, path)) for n in lookups if id(n) not in inner and (path := _path(n)) and path[0] in free}
    names |= {n.name for n in ast.find_all(nodes.Name) if id(n) not in inner and n.name in free}
    return names


def _resolve(context: dict[str, Any], path: list[Any]) -> str | None:
    """The first prefix of `path` that does not exist in the context, as dotted text."""
    value: Any = context[path[0]]
    for i, part in enumerate(path[1:], start=2):
        if isinstance(value, dict) and part in value:
            value = value[part]
        elif not isinstance(value, dict) and isinstance(part, str) and hasattr(value, part):
            value = getattr(value, part)
        else:
            return ".".join(str(p) for p in path[:i])
    return None


def _paths(context: dict[str, Any], prefix: str = "") -> Iterable[str]:
    for key, value in context.items():
        yield prefix + key
        if isinstance(value, dict):
            yield from _paths(value, f"{prefix}{key}.")


def _save(tpl: DocxTemplate, out: Path) -> Path:
    """Write via a temporary file in the same folder, so a crash never leaves half a document."""
    try:
        atomic_save(out, tpl.save)
    except PermissionError:
        raise DocumentError(f"{out} kan niet worden geschreven. Is het geopend in Word? "
                            "Sluit het en probeer het opnieuw.") from None
    except OSError as exc:
        raise DocumentError(f"{out} kan niet worden geschreven ({exc.strerror or exc}).") from None
    return out