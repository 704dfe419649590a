"""Keeps one LibreOffice running for the web page and converts documents to PDF on request.

Runs as a script under LibreOffice's own Python (the one that can `import uno`: Debian's python3
with python3-uno; program/python.exe on Windows; Contents/Resources/python on macOS), never under
formkit's Python, and imports nothing of formkit. unoserver's converter does the conversion.

Talks to the page over its standard input and output, one JSON object per line, and to LibreOffice
over a named pipe: no network port another local program could use to drive LibreOffice.
    stdout first:  {"klaar": true}  or  {"fout": "..."}
    stdin:  {"in": "/abs/brief.docx", "out": "/abs/brief.pdf"}   stdout:  {"ok": true}  or  {"fout": "..."}
End of standard input (the page stopped, or was killed) stops LibreOffice and this script.
Written for the Python versions LibreOffice bundles (3.8 and later).
"""

import json
import os
import subprocess
import sys
import time

READY_TIMEOUT = 60.0  # seconds LibreOffice may take to accept the connection


def _say(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def _connect(pipe, process):
    import uno
    from unoserver.converter import UnoConverter

    class PipeConverter(UnoConverter):
        """unoserver's converter over a named pipe instead of a TCP port."""

        def __init__(self):
            self.local_context = uno.getComponentContext()
            self.resolver = self.local_context.ServiceManager.createInstanceWithContext(
                "com.sun.star.bridge.UnoUrlResolver", self.local_context)
            self.context = self.resolver.resolve(f"uno:pipe,name={pipe};urp;StarOffice.ComponentContext")
            self.service = self.context.ServiceManager
            self.desktop = self.service.createInstanceWithContext("com.sun.star.frame.Desktop", self.context)
            self.filter_service = self.service.createInstanceWithContext(
                "com.sun.star.document.FilterFactory", self.context)
            self.type_service = self.service.createInstanceWithContext(
                "com.sun.star.document.TypeDetection", self.context)
            self.temp_dir = None
            self._export_filters = None
            self._import_filters = None

    deadline = time.monotonic() + READY_TIMEOUT
    while True:
        try:
            return PipeConverter()
        except Exception:  # NoConnectException while LibreOffice starts
            if process.poll() is not None or time.monotonic() > deadline:
                raise
            time.sleep(0.1)


def _stop(process, converter):
    try:
        if converter is not None:
            converter.desktop.terminate()
    except Exception:  # the bridge closes while LibreOffice quits
        pass
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def main():
    soffice, profile, pipe, site = sys.argv[1:5]
    sys.path.append(site)  # after LibreOffice's own modules: only unoserver is taken from formkit's
    cmd = [soffice, "-env:UserInstallation=" + profile, "--headless", "--invisible", "--nocrashreport",
           "--nodefault", "--nologo", "--nofirststartwizard", "--norestore", "--nolockcheck",
           f"--accept=pipe,name={pipe};urp;StarOffice.ComponentContext"]
    process = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    converter = None
    try:
        try:
            converter = _connect(pipe, process)
        except Exception as exc:
            _say({"fout": f"{type(exc).__name__}: {exc}"})
            return
        _say({"klaar": True})
        for line in sys.stdin:
            if not line.strip():
                continue
            job = json.loads(line)
            try:
                converter.convert(inpath=job["in"], outpath=job["out"], convert_to="pdf", update_index=False)
                _say({"ok": True} if os.path.isfile(job["out"]) else {"fout": "geen PDF gemaakt"})
            except Exception as exc:
                _say({"fout": f"{type(exc).__name__}: {exc}"})
                if process.poll() is not None:
                    return  # LibreOffice itself is gone: end, so that the page starts a new one
    except KeyboardInterrupt:
        pass
    finally:
        _stop(process, converter)


if __name__ == "__main__":
    main()
