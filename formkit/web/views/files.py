"""Files of the working folder: a dossier's documents, reports, forms. Only files inside it."""

from __future__ import annotations

import mimetypes

from flask import Blueprint, abort, send_file
from werkzeug.wrappers import Response

from formkit.web.security import UnsafePath, safe_path
from formkit.web.site import site

blueprint = Blueprint("files", __name__)
FILE_CSP = "default-src 'none'; frame-ancestors 'none'"
INLINE = {".pdf": "application/pdf", ".png": "image/png"}  # shown by the browser itself; the rest downloads


@blueprint.get("/bestand/<path:relative>", endpoint="open_file")
def open_file(relative: str) -> Response:
    return _send(relative, inline=True)


@blueprint.get("/downloaden/<path:relative>", endpoint="download")
def download(relative: str) -> Response:
    return _send(relative, inline=False)


def _send(relative: str, inline: bool) -> Response:
    try:
        path = safe_path(site().root, relative)
    except UnsafePath:
        abort(404)
    kind = INLINE.get(path.suffix.lower())
    shown = inline and kind is not None
    mimetype = kind or mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    answer = send_file(path, mimetype=mimetype, as_attachment=not shown, download_name=path.name,
                       max_age=0, conditional=False, etag=False)
    # the browser's own PDF viewer must run; nothing else of the file may
    answer.headers["Content-Security-Policy"] = "frame-ancestors 'none'" if shown else FILE_CSP
    return answer
