"""formkit: the complaints procedure of STAP Brabant around Excel, Word and PDF files.

What the commands do, a script can do too (the commands call the same functions):

    import datetime as dt
    import formkit

    settings = formkit.load_settings("klachten")                      # the working folder
    register = formkit.read_register(settings.register)               # every complaint, typed
    findings = formkit.check_register(settings, dt.date.today())      # formkit controle
    batch = formkit.make_documents(settings, "ontvangst", ["K-2026-014"], pdf=True)   # formkit brief
    outcomes = formkit.import_forms(settings, ["binnengekomen/"])     # formkit inlezen
    figures = formkit.analyse_register(settings)                       # formkit analyse

Errors are `formkit.FormkitError`s with a Dutch message. The workbook writer on its own, for any
workbook, is `formkit.xlsx.WorkbookPatch`.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

if TYPE_CHECKING:
    from formkit.analysis.figures import analyse_register
    from formkit.analysis.report import write_report
    from formkit.check.marking import mark_signals
    from formkit.check.monthly import check_register
    from formkit.check.output import findings_to_json
    from formkit.check.report import write_check_report
    from formkit.documents.letters import make_documents
    from formkit.errors import FormkitError
    from formkit.intake import PlanChanged, apply_import, import_forms, plan_import, read_forms
    from formkit.pdf.forms import make_blank_form, make_prefilled_form
    from formkit.register.model import Complaint
    from formkit.register.reading import Register, read_register
    from formkit.retention import destroy, due_for_destruction
    from formkit.settings import Settings, load_settings
    from formkit.workfolder.create import init_workfolder
    from formkit.workfolder.demo import run_demo

# Name -> module. Loaded when first used: a script that only checks the register should not pay
# for Word, PDF and chart libraries (and `formkit controle` starts through this package too).
_API = {
    "load_settings": "settings", "Settings": "settings",
    "read_register": "register.reading", "Register": "register.reading", "Complaint": "register.model",
    "check_register": "check.monthly", "mark_signals": "check.marking", "findings_to_json": "check.output",
    "write_check_report": "check.report",
    "make_documents": "documents.letters",
    "make_blank_form": "pdf.forms", "make_prefilled_form": "pdf.forms",
    "import_forms": "intake", "read_forms": "intake", "plan_import": "intake", "apply_import": "intake",
    "PlanChanged": "intake",
    "due_for_destruction": "retention", "destroy": "retention",
    "analyse_register": "analysis.figures", "write_report": "analysis.report",
    "init_workfolder": "workfolder.create", "run_demo": "workfolder.demo",
    "FormkitError": "errors",
}
__all__ = [
    "Complaint", "FormkitError", "PlanChanged", "Register", "Settings", "analyse_register", "apply_import",
    "check_register", "destroy", "due_for_destruction", "findings_to_json", "import_forms",
    "init_workfolder", "load_settings", "make_blank_form", "make_documents", "make_prefilled_form",
    "mark_signals", "plan_import", "read_forms", "read_register", "run_demo", "write_check_report",
    "write_report",
]


def __getattr__(name: str) -> Any:
    if name in _API:
        return getattr(import_module(f"formkit.{_API[name]}"), name)
    raise AttributeError(f"module 'formkit' has no attribute {name!r}")
