"""Every Dutch word the web page shows that the core does not already say (its errors and findings
come with their own Dutch text). Templates reach these as `t.NAME`."""

from __future__ import annotations

from formkit.errors import Hint

TITLE = "formkit"
NAV = (  # endpoint, label
    ("today.page", "Vandaag"),
    ("complaints.listing", "Klachten"),
    ("intake.page", "Inlezen"),
    ("monthly.page", "Maandcontrole"),
    ("analysis.page", "Analyse"),
    ("forms.page", "Formulieren"),
)
SKIP_LINK = "Naar de inhoud"
FOOTER = ("formkit draait op deze computer. Sluit het venster waarin formkit app draait (of druk daar Ctrl-C) "
          "om te stoppen.")

# --- the window formkit app runs in ---
STARTED = "formkit app draait op deze computer. Stop met Ctrl-C in dit venster."
STOPPED = "formkit app is gestopt."
PORT_UNUSABLE = ("Poort {port} op 127.0.0.1 is niet te gebruiken ({reason}); kies een andere poort met --port, "
                 "of laat --port weg voor een vrije.")
OFFICE_STOPPING = "formkit app stopt; er is geen PDF meer gemaakt."

# --- refusals (plain text: a browser or another program may receive them) ---
NO_KEY = ("Geen toegang: open de pagina met het adres dat formkit app bij het starten toonde "
          "(met ?sleutel=...).")
WRONG_KEY = "Geen toegang: deze sleutel hoort niet bij deze formkit app. Gebruik het adres dat formkit app toonde."
WRONG_HOST = "Geen toegang: deze pagina is alleen te openen als 127.0.0.1 of localhost op deze computer."
WRONG_ORIGIN = "Geweigerd: deze actie kwam niet van een pagina van formkit app zelf. Er is niets gewijzigd."
NO_CSRF = ("Geweigerd: het formulier was verlopen of onvolledig (formkit app is misschien opnieuw gestart). "
           "Ga terug, laad de pagina opnieuw en probeer het nog eens. Er is niets gewijzigd.")
NOT_FOUND = "Deze pagina bestaat niet."
FILE_NOT_FOUND = "Dit bestand is er niet (meer), of ligt buiten de werkmap."
TOO_LARGE = ("De bestanden zijn te groot of het zijn er te veel: kies minder of kleinere bestanden. "
             "Er is niets gewijzigd.")
METHOD = "Deze pagina kan dat niet. Gebruik de knoppen op de pagina."
BUSY = "formkit is nog bezig met een andere actie. Probeer het zo opnieuw; er is niets gewijzigd."
CRASH_TITLE = "Er ging iets mis"

# --- general ---
BACK = "Terug"
DONE = "Klaar"
ERROR = "Fout"
WARNING = "Let op"
NOTHING = "Niets."
YES, NO = "ja", "nee"
OPEN_FILE = "openen"
DOWNLOAD = "downloaden"
RECORDED = "vastgelegd in het register"

# --- how the page offers what an error's Hint asks for (formkit.errors.Hint) ---
HINT_BUTTONS = {
    Hint.OVERWRITE: "Toch opnieuw maken (bestaande bestanden overschrijven)",
    Hint.RETRY: "Opnieuw proberen",
    Hint.EXPECTED_DATE: "Maken met deze datum",
    Hint.PEILDATUM_TODAY: "Met peildatum vandaag",
}
HINT_TEXTS = {
    Hint.NUMBERS: "Kies een klacht in de lijst.",
    Hint.WORKFOLDER: "Start formkit app in de werkmap, of met --map MAP.",
    Hint.INIT: ("Maak een werkmap met 'formkit init', of zet een reservekopie terug uit de map backups naast het "
                "register."),
    Hint.PASSWORD: "Typ het wachtwoord van het certificaat in het veld bij de brief en probeer het opnieuw.",
}
EXPECTED_LABEL = "Verwachte datum van afhandeling"
EXPECTED_FOR = "Verwachte datum voor {number}"

# --- documents ---
DOCUMENT_NAMES = {
    "formulier": "Registratieformulier",
    "ontvangst": "Ontvangstbevestiging",
    "verlenging": "Verlengingsbrief",
    "terugkoppeling": "Terugkoppelingsbrief",
    "tevredenheid": "Tevredenheidsmeting",
}
OUTPUTS = (("word", "Word"), ("pdf", "PDF"), ("beide", "Word en PDF"))
OUTPUT_LABEL = "Als"
MAIL_LABEL = "E-mailconcept met de PDF"
SIGN_LABEL = "Digitaal ondertekenen"
PASSWORD_LABEL = "Wachtwoord certificaat (alleen bij ondertekenen)"
MAKE = "Maken"
MAKE_NAMED = "{name} maken"
MADE = "Gemaakt"
NOT_OVERWRITTEN = "{name} bestaat al; niet overschreven."
PDF_FAILED_WORD_MADE = "{error} De Word-bestanden zijn wel gemaakt."
KEPT = "{number}: datum stond al in het register en is niet gewijzigd."
RECORDED_AS = "{number}: vastgelegd in het register: {headers}."
NOTHING_MADE = "Er is niets gemaakt."
PDF_FORM_NAMES = {"klacht": "Klachtenformulier (PDF, vooraf ingevuld)",
                  "tevredenheid": "Tevredenheidsformulier (PDF, vooraf ingevuld)"}

# --- Vandaag ---
TODAY_TITLE = "Vandaag"
TODAY_INTRO = "Wat nu aandacht vraagt, het dringendste eerst (zoals formkit controle het toont), peildatum {day}."
TODAY_NONE = "Niets vraagt nu aandacht. Alles is op orde."
FINDING_ACTIONS = {  # kind of finding -> the letter that resolves it
    "reactie-te-laat": "ontvangst",
    "afhandeling-te-laat": "verlenging",
    "afhandeling-bijna-te-laat": "verlenging",
    "terugkoppeling-ontbreekt": "terugkoppeling",
    "tevredenheid-ontbreekt": "tevredenheid",
}
ACTION_LABELS = {
    "ontvangst": "Ontvangstbevestiging maken",
    "verlenging": "Verlengingsbrief maken",
    "terugkoppeling": "Terugkoppelingsbrief maken",
    "tevredenheid": "Tevredenheidsmeting versturen",
}
TO_RETENTION = "Naar vernietigen"
TO_COMPLAINT = "Bekijk klacht"
IN_EXCEL = "Pas dit aan in Excel."
COLUMN_NUMBER, COLUMN_HANDLER, COLUMN_DEADLINE, COLUMN_DAYS, COLUMN_EXPLANATION, COLUMN_ACTION = (
    "Klacht", "Behandelaar", "Termijn", "Dagen", "Toelichting", "Actie")

# --- Klachten ---
COMPLAINTS_TITLE = "Klachten"
SEARCH = "Zoeken"
SEARCH_LABEL = "Zoek op nummer, naam, opleiding of omschrijving"
FILTER = "Toon"
STATUS_LABEL = "Status"
STATUSES = (("", "alle"), ("open", "open"), ("afgehandeld", "afgehandeld"))
HANDLER_LABEL = "Behandelaar"
ANY_HANDLER = "iedereen"
SERIOUS_LABEL = "Alleen ernstige klachten"
COMPLAINTS_COUNT = "{shown} van {total} klachten"
NO_COMPLAINTS = "Geen klachten gevonden."
STATE_OPEN, STATE_HANDLED, STATE_DESTROYED = "open", "afgehandeld", "vernietigd"
LIST_COLUMNS = ("Klacht", "Ontvangen", "Klager", "Categorie", "Behandelaar", "Ernstig", "Status")

# --- one complaint ---
COMPLAINT_TITLE = "Klacht {number}"
VALUES = "Gegevens uit het register"
VALUES_NOTE = "Wijzigen doet u in Excel; formkit laat het register zoals u het opslaat."
DEADLINES = "Termijnen"
DEADLINE_NAMES = ("Reactie uiterlijk", "Afhandelen uiterlijk", "Tevredenheid meten uiterlijk", "Vernietigen vanaf")
FINDINGS = "Wat aandacht vraagt"
NO_FINDINGS = "Niets vraagt aandacht bij deze klacht."
DOSSIER = "Dossier"
DOSSIER_EMPTY = "Het dossier is leeg."
ACTIONS = "Maken"
UNREADABLE_CELL = "onleesbaar ({cell})"
DESTROYED_NOTE = "Deze klacht is vernietigd; formkit maakt er niets meer voor."
UNKNOWN_COMPLAINT = "Klachtnummer {number} staat niet in het register."

# --- Maandcontrole ---
MONTHLY_TITLE = "Maandcontrole"
PEILDATUM = "Peildatum"
SHOW = "Toon"
MARK = "Signalering schrijven in het register"
MARK_DONE = "Signalering bijgewerkt bij {count}."
MARK_SAME = "De kolom Signalering was al bijgewerkt; het register is niet gewijzigd."
REPORT = "Rapport maken (.xlsx)"
REPORT_DONE = "Rapport gemaakt"
REPORTS_FOLDER_FAILED = "Kan de map {folder} niet maken ({reason}). Er is niets gewijzigd."
GROUP_COUNTS = "Per onderdeel"
RETENTION = "Vernietigen (bewaartermijn voorbij)"
RETENTION_NONE = "Niets te vernietigen op {day}."
RETENTION_INTRO = ("Deze klachten zijn twee jaar na afhandeling over de bewaartermijn. Vernietigen haalt de "
                   "persoonsgegevens uit het register, verwijdert het dossier en de reservekopieën van het register "
                   "({backups} nu, plus de kopie die de vernietiging zelf eerst maakt); het vernietigingslog legt "
                   "vast wat er is verwijderd, zonder persoonsgegevens.")
RETENTION_COLUMNS = ("Vernietigen", "Klacht", "Afgehandeld", "Vernietigen vanaf", "Wat verdwijnt")
RETENTION_CONFIRM = "Ik begrijp dat dit definitief is en niet ongedaan kan worden gemaakt."
RETENTION_BUTTON = "Definitief vernietigen"
RETENTION_NOT_CONFIRMED = "Niets vernietigd: zet eerst het vinkje om te bevestigen dat u definitief wilt vernietigen."
RETENTION_NONE_CHOSEN = "Niets vernietigd: kies een of meer klachten."
SKIPPED = "Overgeslagen: {problem}"
LEFTOVER = "register al geanonimiseerd; nog {files}"
FILES = ("bestand", "bestanden")
COLUMNS = ("kolom", "kolommen")
COMPLAINTS = ("klacht", "klachten")
BACKUPS = ("reservekopie", "reservekopieën")
IN_DOSSIER = "{files} in het dossier"
NO_DOSSIER = "geen dossier"
PLAN_WHAT = "{columns} ({headers}), {files}"
BLANKED = "{columns} leeggemaakt"
DOSSIER_REMOVED = "dossier met {files} verwijderd"
NOTHING_LEFT = "niets meer te verwijderen"
BACKUPS_REMOVED = "{backups} van het register met deze gegevens verwijderd."
NO_BACKUPS = "Er waren geen reservekopieën van het register met deze gegevens."
DESTROYED = "{number} vernietigd: {what}."
DESTROY_LOG = "Vastgelegd in het vernietigingslog (zonder persoonsgegevens)."
TRACE = "{trace}. Verwijder die zelf in Excel (opmerkingen bij cellen, filters, draaitabellen of andere tabbladen)."

# --- Analyse ---
ANALYSIS_TITLE = "Analyse"
PERIOD_FROM, PERIOD_TO = "Van (ontvangen)", "Tot en met"
PERIOD_DEFAULT = "Zonder datums: de laatste 12 hele maanden."
KEY_FIGURES = "Kerncijfers"
CHARTS = "Grafieken"
CHART_TITLES = {
    "termijnen": "Termijnen en opvolging",
    "maand": "Klachten per maand",
    "categorie": "Per categorie",
    "oorzaak": "Per oorzaak",
    "opleiding": "Per opleiding",
    "doorlooptijd": "Doorlooptijd",
    "tevredenheid": "Tevredenheid",
}
NO_CHARTS = "In deze periode zijn geen klachten ontvangen; er zijn geen grafieken."
ANALYSIS_REPORTS = (("xlsx", "Werkmap met grafieken (.xlsx)"), ("pdf", "Managementrapport (PDF)"))
REPORT_MAKE = "Maken"
MAKE_NAMED = "{name} maken"
PATTERNS = "Patronen"

# --- Formulieren ---
FORMS_TITLE = "Formulieren"
FORMS_INTRO = ("Lege invulbare PDF-formulieren voor klanten: download ze om te mailen, of zet ze op de website. "
               "Ingevulde formulieren die terugkomen leest u in bij Inlezen.")
FORM_MISSING = "nog niet gemaakt"
FORM_REMAKE = "Opnieuw maken"
FORM_MAKE = "Maken"
MAKE_NAMED = "{name} maken"
FORM_TITLES = {"klacht": "Klachtenformulier", "tevredenheid": "Tevredenheidsformulier"}

# --- Inlezen ---
INTAKE_TITLE = "Inlezen"
INTAKE_INTRO = ("Sleep ingevulde PDF-formulieren hierheen of kies ze. formkit laat eerst zien wat er in het register "
                "zou veranderen; pas na uw bevestiging wordt het register in één keer bijgewerkt.")
INTAKE_CHOOSE = "PDF-formulieren"
INTAKE_READ = "Bekijken wat er verandert"
INTAKE_DROP = "Of sleep de bestanden op dit vak."
INTAKE_NO_FILES = "Kies eerst een of meer PDF-bestanden. Er is niets gewijzigd."
INTAKE_READING = "Formulieren lezen"
INTAKE_PLAN = "Wat er zou veranderen"
INTAKE_APPLIED = "Ingelezen"
INTAKE_FILE = "Bestand"
INTAKE_CONFLICT_COLUMNS = ("Veld", "In het register", "Op het formulier")
INTAKE_CHANGE_COLUMNS = ("Veld", "Nu", "Wordt")
INTAKE_UNREADABLE = "Niet te lezen"
INTAKE_CONFIRM = "Bevestigen: zo in het register zetten"
INTAKE_OVERWRITE = "Conflicten overschrijven met de waarden van de formulieren (eerst weer tonen)"
INTAKE_NOTHING = "Er is niets in het register te zetten."
INTAKE_CANCEL = "Afbreken en niets inlezen"
INTAKE_AGAIN = "Andere formulieren inlezen"
INTAKE_DONE = "Ingelezen: {summary}."
INTAKE_KEPT = "Bewaard in het dossier"
INTAKE_DIFFERENT = "Anders dan u eerder zag: het register is intussen gewijzigd."
INTAKE_COUNTS = (("nieuw", "nieuw"), ("bijgewerkt", "bijgewerkt"), ("ongewijzigd", "ongewijzigd"),
                 ("al-ingelezen", "al eerder ingelezen"), ("conflict", "met conflict"),
                 ("fout", "niet te lezen of niet ingelezen"))
INTAKE_STATUS = {
    "gelezen": "gelezen", "nieuw": "wordt een nieuwe klacht", "bijgewerkt": "vult een klacht aan",
    "ongewijzigd": "staat al zo in het register", "al-ingelezen": "al eerder ingelezen; verandert niets",
    "conflict": "conflict: niet overschreven", "fout": "niet te lezen",
}

# --- long work ---
JOB_RUNNING = "Bezig: {done} van {total}"
JOB_CANCEL = "Afbreken"
JOB_CANCELLED = "Afgebroken; het register is niet gewijzigd."
JOB_REFRESH = "Deze pagina ververst zichzelf; u kunt ook zelf verversen."
