"""Security of `formkit app`, over real HTTP to a real app process: the key, the cookie, Host,
Origin, CSRF, GET never changes anything, downloads only inside the working folder, upload limits,
headers, no personal data in log lines, no traceback on a bug, the register open in Excel."""

from __future__ import annotations

import datetime as dt
import os
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from formkit.register.reading import read_register
from formkit.web.security import Guard, UnsafePath, local_return, safe_path
from tests.test_web_support import LiveApp, demo_folder


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    settings = demo_folder(tmp_path_factory.mktemp("web") / "klachten")
    app = LiveApp(settings.root)
    app.login()
    app.settings = settings
    yield app
    assert app.interrupt() == 0  # Ctrl-C: a clean stop (and the page's own clean-up runs)


def snapshot(root: Path) -> dict[str, bytes]:
    """Every file of the working folder with its bytes (logbook and backups included; not the uploads
    waiting in the app's temporary place, which tests check on their own)."""
    files = (p for p in sorted(root.rglob("*")) if p.is_file() and ".formkit-app" not in p.parts)
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in files}


def first_open(live) -> str:
    register = read_register(live.settings.register)
    return next(c.number_text for c in register.complaints if c.reaction_date is None and c.is_open)


# --- the key and the cookie -------------------------------------------------------------------

def test_first_line_is_the_address_with_a_key(live):
    assert re.fullmatch(r"http://127\.0\.0\.1:\d+/\?sleutel=[A-Za-z0-9_-]{24,}", live.first_line)


def test_the_key_becomes_a_strict_httponly_cookie_named_after_the_port(live):
    answer = live.request("GET", f"/klachten?sleutel={live.key}", cookie=False)
    assert answer.status == 303 and answer.headers["location"] == "/klachten"  # the address without the key
    cookie = answer.cookies[0]
    assert cookie.startswith(f"formkit-{live.port}=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie and "Path=/" in cookie
    token = cookie.split(";")[0]
    assert live.get("/", headers={"Cookie": token}, cookie=False).status == 200
    # the printed link keeps working until the app stops
    assert live.request("GET", f"/?sleutel={live.key}", cookie=False).status == 303


@pytest.mark.parametrize("path", ["/", "/klachten", "/static/style.css", "/bestand/formkit.toml", "/analyse"])
def test_nothing_without_the_key(live, path):
    answer = live.get(path, cookie=False)
    assert answer.status == 403
    assert "sleutel" in answer.body and "Klachtnummer" not in answer.body


def test_a_wrong_key_or_a_cookie_of_another_port_gets_403(live):
    assert live.get("/?sleutel=verkeerd", cookie=False).status == 403
    value = live.cookie.split("=", 1)[1]
    assert live.get("/", headers={"Cookie": f"formkit-{live.port + 1}={value}"}, cookie=False).status == 403
    assert live.get("/", headers={"Cookie": f"formkit-{live.port}=verzonnen"}, cookie=False).status == 403


@pytest.mark.parametrize("host", ["evil.example", "evil.example:{port}", "127.0.0.1:{other}", "localhost",
                                  "127.0.0.2:{port}", "[::1]:{port}", "127.0.0.1.evil.example:{port}"])
def test_another_host_header_gets_403(live, host):
    shown = host.format(port=live.port, other=live.port + 1)
    answer = live.get("/", headers={"Host": shown})
    assert answer.status == 403 and "127.0.0.1" in answer.body
    assert live.get(f"/?sleutel={live.key}", headers={"Host": shown}, cookie=False).status == 403


def test_localhost_with_the_port_is_the_same_page(live):
    assert live.get("/klachten", headers={"Host": f"localhost:{live.port}"}).status == 200


# --- changes: POST, same origin, CSRF ---------------------------------------------------------

def test_a_post_from_elsewhere_or_without_its_token_changes_nothing(live):
    number = first_open(live)
    csrf = live.get("/").csrf
    fields = {"csrf": csrf, "nummer": number, "soort": "ontvangst", "uitvoer": "word", "terug": "/"}
    before = snapshot(live.settings.root)
    refused = [
        live.post("/maken", fields, origin="http://evil.example"),  # cross-site
        live.post("/maken", fields, origin=f"http://127.0.0.1:{live.port + 1}"),  # another local port
        live.post("/maken", fields, origin=f"http://localhost:{live.port + 1}"),
        live.post("/maken", fields, origin=f"https://127.0.0.1:{live.port}"),  # another scheme
        live.post("/maken", fields, origin="null"),
        live.post("/maken", fields, origin=None),  # neither Origin nor Referer
        live.post("/maken", fields, origin=None, headers={"Referer": f"http://127.0.0.1:{live.port + 1}/"}),
        live.post("/maken", {k: v for k, v in fields.items() if k != "csrf"}),  # missing CSRF token
        live.post("/maken", {**fields, "csrf": csrf[:-2] + "xx"}),  # wrong token
        live.post("/maken", fields, cookie=False),  # no cookie
    ]
    assert [a.status for a in refused] == [403] * len(refused)
    assert snapshot(live.settings.root) == before
    # the same form from the page itself is done (a Referer of this origin also counts)
    done = live.post("/maken", fields, origin=None, headers={"Referer": f"{live.base}/"})
    assert done.status == 303
    assert read_register(live.settings.register).get(number).reaction_date is not None


@pytest.mark.parametrize("path", ["/maken", "/pdf-formulier", "/maandcontrole/signalering", "/maandcontrole/rapport",
                                  "/maandcontrole/vernietigen", "/formulieren/maken", "/analyse/rapport"])
def test_get_never_changes_anything(live, path):
    before = snapshot(live.settings.root)
    answer = live.get(path + "?nummer=K-2026-001&soort=ontvangst&bevestig=ja")
    assert answer.status == 405
    for page in ("/", "/klachten", "/maandcontrole", "/analyse", "/formulieren", "/inlezen"):
        assert live.get(page).status == 200
    assert snapshot(live.settings.root) == before


def test_every_page_has_the_security_headers_and_no_inline_script(live):
    for page in ("/", "/klachten", "/maandcontrole", "/analyse", "/formulieren", "/inlezen", "/niet-er"):
        answer = live.get(page)
        csp = answer.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp and "script-src 'self'" in csp
        assert answer.headers["x-content-type-options"] == "nosniff"
        assert answer.headers["cache-control"] == "no-store"
        assert not re.search(r"<script(?![^>]*\bsrc=)[^>]*>", answer.body), "inline script"
        assert not re.search(r"<[^>]+\son[a-z]+\s*=", answer.body), "inline event handler"


# --- downloads --------------------------------------------------------------------------------

def test_downloads_only_of_files_inside_the_working_folder(live, tmp_path):
    root = live.settings.root
    secret = tmp_path / "geheim.txt"
    secret.write_text("niet van formkit")
    (root / "dossiers").mkdir(exist_ok=True)
    link = root / "dossiers" / "uitweg.txt"
    if not link.exists():
        os.symlink(secret, link)
    outside_dir = root / "dossiers" / "uitwegmap"
    if not outside_dir.exists():
        os.symlink(tmp_path, outside_dir)
    assert live.get("/downloaden/formkit.toml").status == 200
    for path in ["../geheim.txt", "..%2F..%2Fetc%2Fpasswd", "%2Fetc%2Fpasswd", "/etc/passwd", "C:%5CWindows%5Cwin.ini",
                 "C:/Windows/win.ini", "dossiers%5C..%5Cformkit.toml", "dossiers/../formkit.toml",
                 "dossiers/uitweg.txt", "dossiers/uitwegmap/geheim.txt", "formkit.toml:stream", "register",
                 "register/.klachtenregister.xlsx.lock", "%00formkit.toml", "./formkit.toml"]:
        for route in ("/bestand/", "/downloaden/"):
            answer = live.get(route + path)
            assert answer.status in (403, 404), (route, path, answer.status)
            assert "niet van formkit" not in answer.body


WINDOWS_AND_POSIX = [
    "..\\..\\Windows\\win.ini", "C:\\Windows\\win.ini", "C:/Windows/win.ini", "c:formkit.toml",
    "\\\\server\\share\\register.xlsx", "//server/share/register.xlsx", "dossiers\\K-2026-001\\brief.docx",
    "dossiers/../../etc/passwd", "/etc/passwd", "formkit.toml::$DATA", "dossiers/./formkit.toml",
    "dossiers//formkit.toml", "", "..", ".", "register/.klachtenregister.xlsx.lock", "dossiers/K-2026-001/\x00x",
    "dossiers/K-2026-001/brief.docx ", "a" * 2000,
]


@pytest.mark.parametrize("relative", WINDOWS_AND_POSIX)
def test_safe_path_refuses_windows_and_posix_escapes(tmp_path, relative):
    (tmp_path / "dossiers" / "K-2026-001").mkdir(parents=True)
    (tmp_path / "dossiers" / "K-2026-001" / "brief.docx").write_bytes(b"x")
    (tmp_path / "formkit.toml").write_text("")
    with pytest.raises(UnsafePath):
        safe_path(tmp_path, relative)


def test_safe_path_gives_the_file_inside(tmp_path):
    target = tmp_path / "dossiers" / "K-2026-001" / "2026-11-24 ontvangst K-2026-001.docx"
    target.parent.mkdir(parents=True)
    target.write_bytes(b"x")
    assert safe_path(tmp_path, "dossiers/K-2026-001/2026-11-24 ontvangst K-2026-001.docx") == target.resolve()


@pytest.mark.parametrize("target", ["//evil.example/", "http://evil.example/", "/\\evil.example", "\\\\x", "",
                                    None, "/klacht/K\x00"])
def test_return_addresses_stay_on_the_page(target):
    assert local_return(target) == "/"


def test_hosts_and_origins_of_a_guard():
    guard = Guard(8765)
    assert guard.host_ok("127.0.0.1:8765") and guard.host_ok("LOCALHOST:8765")
    assert not guard.host_ok("127.0.0.1") and not guard.host_ok("127.0.0.1:8766") and not guard.host_ok(None)
    assert guard.origin_ok("http://localhost:8765", None)
    assert not guard.origin_ok("http://localhost:87650", None)
    assert not guard.origin_ok(None, "http://127.0.0.1:8765.evil.example/")
    assert guard.origin_ok(None, "http://127.0.0.1:8765/klachten")


# --- uploads ----------------------------------------------------------------------------------

def _multipart(files: list[tuple[str, bytes]], csrf: str) -> tuple[bytes, str]:
    boundary = "formkitgrens"
    parts = [f'--{boundary}\r\nContent-Disposition: form-data; name="csrf"\r\n\r\n{csrf}\r\n'.encode()]
    for name, data in files:
        parts.append(f'--{boundary}\r\nContent-Disposition: form-data; name="bestanden"; filename="{name}"\r\n'
                     "Content-Type: application/pdf\r\n\r\n".encode() + data + b"\r\n")
    parts.append(f"--{boundary}--\r\n".encode())
    return b"".join(parts), f"multipart/form-data; boundary={boundary}"


@pytest.mark.parametrize("files", [[("groot.pdf", b"%PDF-" + b"0" * (101 * 1024 * 1024))],
                                   [(f"f{n}.pdf", b"%PDF-1.4") for n in range(300)]],
                         ids=["te-groot", "te-veel"])
def test_oversized_or_too_many_uploads_are_refused(live, files):
    before = snapshot(live.settings.root)
    body, kind = _multipart(files, live.get("/").csrf)
    answer = live.request("POST", "/inlezen", body=body,
                          headers={"Content-Type": kind, "Origin": live.base})
    assert answer.status == 413
    assert "te groot" in answer.body or "te veel" in answer.body
    assert snapshot(live.settings.root) == before


# --- logs, bugs, Excel --------------------------------------------------------------------------

def test_no_personal_data_or_query_strings_in_the_log_lines(live):
    name = read_register(live.settings.register).complaints[0].name
    assert live.get(f"/klachten?q={name.split()[-1]}&status=open").status == 200
    assert live.get(f"/klachten?q={name.split()[0]}").status == 200
    text = live.stderr()
    assert name.split()[-1] not in text and "q=" not in text and "sleutel" not in text


def test_a_bug_gives_a_dutch_page_naming_the_log_never_a_traceback(tmp_path):
    from formkit.web.application import create_app
    from formkit.web.security import Guard
    from formkit.web.site import Site

    settings = demo_folder(tmp_path / "klachten")
    guard = Guard(8123)
    app = create_app(Site(settings.root, None, guard))
    secret = read_register(settings.register).complaints[0].name

    def broken():
        raise ZeroDivisionError(f"waarde {secret}")

    app.view_functions["complaints.listing"] = broken
    client = app.test_client()
    base = "http://127.0.0.1:8123"
    assert client.get(f"/?sleutel={guard.key}", base_url=base).status_code == 303
    answer = client.get("/klachten", base_url=base)
    body = answer.get_data(as_text=True)
    assert answer.status_code == 500
    assert "formkit-fout.log" in body and "programmafout" in body
    assert "Traceback" not in body and "ZeroDivisionError" not in body and secret not in body
    log = (settings.root / "formkit-fout.log").read_text(encoding="utf-8")
    assert "ZeroDivisionError" in log and secret not in log


def test_the_register_open_in_excel_is_refused_in_the_commands_words(live):
    from formkit.cli import main

    settings = live.settings
    lock = settings.register.with_name("~$" + settings.register.name)
    lock.write_bytes(bytes([5]) + b"Annie" + b"\x00" * 160)
    try:
        number = first_open(live)
        before = snapshot(settings.root)
        cli = CliRunner().invoke(main, ["--map", str(settings.root), "brief", "ontvangst", number])
        assert cli.exit_code == 2
        words = cli.stderr.strip().removeprefix("Fout: ")
        assert "geopend in Excel" in words
        answer = live.post("/maken", {"csrf": live.get("/").csrf, "nummer": number, "soort": "ontvangst",
                                      "uitvoer": "word", "terug": "/"})
        assert answer.status == 303
        page = live.get("/")
        assert words.split(" Gebruik")[0].replace("'", "&#39;") in page.body
        assert snapshot(settings.root) == before
        for path in ("/", "/klachten", f"/klacht/{number}", "/maandcontrole", "/analyse", "/formulieren"):
            assert live.get(path).status == 200, path  # reading pages keep working
    finally:
        lock.unlink()


def test_an_unreadable_register_is_said_on_the_page(live):
    settings = live.settings
    saved = settings.register.read_bytes()
    try:
        settings.register.write_bytes(b"geen excel")
        for path in ("/", "/klachten", "/maandcontrole", "/analyse"):
            answer = live.get(path)
            assert answer.status == 200 and "melding fout" in answer.body, path
        assert "Traceback" not in live.stderr()
    finally:
        settings.register.write_bytes(saved)
    assert not (settings.root / "formkit-fout.log").exists()


def test_vandaag_shows_the_register_as_it_is_saved_now(live):
    """No cache: a change made outside the page (Excel, a command) is on the next page."""
    from formkit.register.storage import update_register

    page = live.get("/").body
    number = "K-2026-900"
    assert number not in page
    with update_register(live.settings, "test") as update:
        update.append({"number": number, "received": dt.date.today() - dt.timedelta(days=45), "name": "Nieuw",
                       "serious": "nee"})
    assert number in live.get("/").body
