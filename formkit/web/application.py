"""The Flask application of `formkit app`: every request passes the Guard, every page is Dutch.

What each request passes, in order: the Host (DNS rebinding), the key or the cookie, and for a
POST the Origin and the CSRF token. Every answer carries a Content-Security-Policy without inline
script, frame-ancestors 'none' and nosniff, and is not cached. A bug gives a Dutch page naming
formkit-fout.log (formkit.crash), never a traceback.
"""

from __future__ import annotations

from flask import Flask, Response, g, redirect, request
from werkzeug.exceptions import HTTPException
from werkzeug.wrappers import Response as BaseResponse

from formkit.crash import crash_message, record_crash
from formkit.web import texts
from formkit.web.security import csrf_ok
from formkit.web.site import CSP, MAX_UPLOAD_BYTES, MAX_UPLOAD_FILES, Site, refusal, shown
from formkit.web.views import analysis, complaints, documents, files, forms, intake, monthly, today


def create_app(the_site: Site) -> Flask:
    app = Flask("formkit.web", static_folder="static", template_folder="templates")
    app.config.update(MAX_CONTENT_LENGTH=MAX_UPLOAD_BYTES, MAX_FORM_PARTS=MAX_UPLOAD_FILES + 50,
                      MAX_FORM_MEMORY_SIZE=1024 * 1024, TEMPLATES_AUTO_RELOAD=False)
    app.jinja_env.globals.update(t=texts)
    app.jinja_env.filters["shown"] = shown
    app.jinja_env.autoescape = True
    app.url_map.merge_slashes = False  # '/bestand//etc/passwd' is refused, not redirected
    guard = the_site.guard

    @app.before_request
    def admit() -> BaseResponse | None:
        g.site = the_site
        if not guard.host_ok(request.host):
            return refusal(texts.WRONG_HOST, 403)
        if "sleutel" in request.args and request.method == "GET":
            if not guard.key_matches(request.args.get("sleutel")):
                return refusal(texts.WRONG_KEY, 403)
            token = guard.new_session()
            answer = redirect(request.path, 303)
            answer.set_cookie(guard.cookie, token, httponly=True, samesite="Strict", path="/")
            return answer
        found = guard.session(request.cookies.get(guard.cookie))
        if found is None:
            return refusal(texts.NO_KEY, 403)
        g.session = found
        if request.method not in ("GET", "HEAD"):
            if not guard.origin_ok(request.headers.get("Origin"), request.headers.get("Referer")):
                return refusal(texts.WRONG_ORIGIN, 403)
            if not csrf_ok(found, request.form.get("csrf")):
                return refusal(texts.NO_CSRF, 403)
        return None

    @app.after_request
    def headers(answer: Response) -> Response:
        answer.headers.setdefault("Content-Security-Policy", CSP)
        answer.headers["X-Content-Type-Options"] = "nosniff"
        answer.headers["X-Frame-Options"] = "DENY"
        answer.headers["Referrer-Policy"] = "same-origin"
        answer.headers["Cache-Control"] = "no-store"
        return answer

    @app.errorhandler(HTTPException)
    def http_error(exc: HTTPException) -> Response:
        code = exc.code or 500
        text = {404: texts.NOT_FOUND, 405: texts.METHOD, 413: texts.TOO_LARGE}.get(code, exc.name)
        return refusal(text, code)

    @app.errorhandler(Exception)
    def bug(exc: Exception) -> Response:
        log = record_crash(exc, the_site.root, f"app {request.endpoint or ''}")
        return refusal(crash_message(log), 500, texts.CRASH_TITLE)

    for module in (today, complaints, documents, files, forms, intake, monthly, analysis):
        app.register_blueprint(module.blueprint)
    return app
