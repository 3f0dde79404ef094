"""The preview's web application (Starlette): the page, its JSON API, the emails and live events.

Only these routes exist. Issue ids and locales in a URL must be ones the project has, so no
URL can name a file; nothing is served from disk by path and nothing is listed.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from dataclasses import asdict
from pathlib import Path
from types import FrameType

import uvicorn
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from newsletter.dist import DRAFT, draft_email, output_folder, read_draft, screenshots_folder
from newsletter.errors import NewsletterError
from newsletter.preview.connections import KEEP_ALIVE_SECONDS, DeadlineProtocol
from newsletter.preview.previews import Previews, locale_name, problem_dicts, screenshot_path
from newsletter.preview.watcher import Hub, watch

PAGE_FOLDER = Path(__file__).parent / "page"
ASSETS = {"preview.css": "text/css", "preview.js": "text/javascript", "favicon.svg": "image/svg+xml"}
COMMON_HEADERS = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff", "Referrer-Policy": "no-referrer"}
PAGE_POLICY = "default-src 'self'; img-src * data:; style-src 'self' 'unsafe-inline'; frame-src 'self'"
# The email may show remote images and its own inline styles; nothing in it may run.
EMAIL_POLICY = "default-src 'none'; img-src * data:; style-src 'unsafe-inline'; font-src *"


def _json(data, status: int = 200) -> JSONResponse:
    return JSONResponse(data, status, headers=COMMON_HEADERS)


def _not_found() -> Response:
    return Response("Not Found", 404, headers=COMMON_HEADERS, media_type="text/plain")


def _previews(request: Request) -> Previews:
    return request.app.state.previews


def _chosen(request: Request) -> tuple[str, str | None] | None:
    """The issue (and locale) named in the URL, when the project has them; None otherwise."""
    previews, params = _previews(request), request.path_params
    locale = params.get("locale")
    if params["issue"] not in previews.issue_ids() or (locale is not None and locale not in previews.locales):
        return None
    return params["issue"], locale


def page(request: Request) -> Response:
    html = (PAGE_FOLDER / "index.html").read_bytes()
    return Response(html, media_type="text/html", headers={**COMMON_HEADERS, "Content-Security-Policy": PAGE_POLICY})


def asset(request: Request) -> Response:
    name = request.path_params["name"]
    if name not in ASSETS:
        return _not_found()
    return Response((PAGE_FOLDER / name).read_bytes(), media_type=ASSETS[name], headers=COMMON_HEADERS)


def issues(request: Request) -> JSONResponse:
    previews, listed = _previews(request), []
    for issue_id in previews.issue_ids():
        try:
            listed.append({"id": issue_id, "subject": previews.issue(issue_id).subject.value})
        except NewsletterError as error:
            listed.append({"id": issue_id, "problems": problem_dicts(error)})
    first = request.app.state.first_issue
    default = first if first in previews.issue_ids() else (listed[-1]["id"] if listed else None)
    return _json({"issues": listed, "default": default, "brand": previews.settings.brand.name})


def issue_summary(request: Request) -> JSONResponse:
    """Every locale of an issue with its coverage: the locale switcher."""
    chosen = _chosen(request)
    if chosen is None:
        return _not_found()
    previews, locales = _previews(request), []
    gates = _gates(previews, chosen[0])
    for locale in previews.locales:
        entry = {"locale": locale, "name": locale_name(locale), "pseudo": locale not in previews.settings.locales,
                 **({"ships": gates[locale]["ships"], "held_back_because": gates[locale]["reasons"]} if locale in gates else {})}
        try:
            view = previews.view(chosen[0], locale, with_qa=False)
            entry.update(coverage=view.email.coverage, dir=view.email.dir, version=view.version)
        except NewsletterError as error:
            entry["problems"] = problem_dicts(error)
        locales.append(entry)
    return _json({"issue": chosen[0], "locales": locales, "draft": _draft(previews, chosen[0])})


def _draft(previews: Previews, issue_id: str) -> dict | None:
    """The draft the last build wrote when its pre-send checks failed (dist/<issue>/.draft/), with the failures."""
    folder = output_folder(previews.settings, None) / issue_id
    draft = read_draft(folder)
    if draft is None:
        return None
    return {"folder": f"{previews.settings.relative(folder)}/{DRAFT}/", "failures": draft.failures, "more": draft.more,
            "locales": [locale for locale in draft.locales if locale in previews.locales],
            "written": round(draft.written * 1000)}


def draft_html(request: Request) -> Response:
    """The email of the last build's draft, as it wrote it (not sent: its pre-send checks failed)."""
    chosen = _chosen(request)
    html = draft_email(output_folder(_previews(request).settings, None) / chosen[0], chosen[1]) if chosen else None
    if html is None:
        return _not_found()
    return Response(html, media_type="text/html", headers={**COMMON_HEADERS, "Content-Security-Policy": EMAIL_POLICY})


def _gates(previews, issue_id: str) -> dict[str, dict]:
    """The release gate of each target locale; none while a catalog or the issue cannot be read (shown elsewhere)."""
    try:
        return previews.gates(issue_id)
    except NewsletterError:
        return {}


def locale_view(request: Request) -> JSONResponse:
    chosen = _chosen(request)
    if chosen is None:
        return _not_found()
    try:
        view = _previews(request).view(*chosen)
    except NewsletterError as error:
        return _json({"problems": problem_dicts(error)}, 422)
    email = view.email
    return _json({"issue": email.issue_id, "locale": email.locale, "version": view.version, "lang": email.lang,
                  "dir": email.dir, "subject": email.subject, "preheader": email.preheader,
                  "coverage": email.coverage, "text": email.text, "mjml": email.mjml, "html": email.html,
                  "html_bytes": len(email.html.encode()), "warnings": view.warnings, "errors": view.errors,
                  "qa": view.qa})


def translator_view(request: Request) -> JSONResponse:
    chosen = _chosen(request)
    if chosen is None:
        return _not_found()
    try:
        html, messages = _previews(request).translator_view(*chosen)
    except NewsletterError as error:
        return _json({"problems": problem_dicts(error)}, 422)
    return _json({"html": html, "messages": [asdict(message) for message in messages]})


def checks(request: Request) -> JSONResponse:
    chosen = _chosen(request)
    if chosen is None:
        return _not_found()
    try:
        return _json({"findings": _previews(request).checks(*chosen)})
    except NewsletterError as error:
        return _json({"problems": problem_dicts(error)}, 422)


def email_html(request: Request) -> Response:
    """Exactly the HTML that `newsletter build` writes and export ships."""
    chosen = _chosen(request)
    if chosen is None:
        return _not_found()
    try:
        html = _previews(request).view(*chosen, with_qa=False).email.html
    except NewsletterError as error:
        return Response("\n".join(str(p) for p in error.problems), 422, media_type="text/plain", headers=COMMON_HEADERS)
    return Response(html, media_type="text/html", headers={**COMMON_HEADERS, "Content-Security-Policy": EMAIL_POLICY})


_PICTURE = re.compile(r"^[a-z0-9-]+-[0-9a-f]{10}\.png$")


def screenshot(request: Request) -> Response:
    """A context picture written by `newsletter i18n screenshots`, for translator mode; nothing else of dist/."""
    issue, locale, name = (request.path_params[key] for key in ("issue", "locale", "name"))
    previews = _previews(request)
    if issue not in previews.issue_ids() or locale not in previews.locales or not _PICTURE.match(name):
        return _not_found()
    path, folder = screenshot_path(previews.settings, issue, locale, name), screenshots_folder(previews.settings)
    if not _inside(path, folder) or not path.is_file():
        return _not_found()
    return Response(path.read_bytes(), media_type="image/png", headers=COMMON_HEADERS)


def _inside(path: Path, folder: Path) -> bool:
    """The file's real path (every link followed) is inside the folder: a link out of dist/ (to /etc/passwd,
    /dev/zero) is not served."""
    try:
        return path.resolve(strict=True).is_relative_to(folder.resolve(strict=True))
    except (OSError, RuntimeError):  # missing, or a loop of links
        return False


ARCHIVE_TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml"}
_SHOT = re.compile(r"^(index\.html|[A-Za-z0-9_-]+\.(png|txt))$")
SHOT_TYPES = {".html": "text/html; charset=utf-8", ".png": "image/png", ".txt": "text/plain; charset=utf-8"}


def shots(request: Request) -> Response:
    """`newsletter shots`' pages (dist/<issue>/shots/), and at /shots/ the issues that have them; nothing else of dist/."""
    from newsletter.dist import output_folder
    from newsletter.shots import shots_folder

    previews, issue, name = _previews(request), request.path_params.get("issue"), request.path_params.get("name")
    dist = output_folder(previews.settings, None)
    if issue is None:
        found = [i for i in previews.issue_ids() if (shots_folder(dist, i) / "index.html").is_file()]
        links = "".join(f'<li><a href="/shots/{i}/index.html">{i}</a></li>' for i in found) or "<li>none yet</li>"
        return Response(f"<!doctype html><title>Shots</title><ul>{links}</ul>", media_type=SHOT_TYPES[".html"],
                        headers=COMMON_HEADERS)
    path = shots_folder(dist, issue) / name
    if issue not in previews.issue_ids() or not _SHOT.match(name) or not _inside(path, shots_folder(dist, issue)):
        return _not_found()
    policy = "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"  # pictures and text, nothing runs
    return Response(path.read_bytes(), media_type=SHOT_TYPES[path.suffix],
                    headers={**COMMON_HEADERS, "Content-Security-Policy": policy})


def archive_file(request: Request) -> Response:
    """The web archive (newsletter archive), made in memory: only names the archive itself holds are served."""
    from newsletter.archive import preview_files

    name = request.path_params["path"]
    name += "index.html" if name == "" or name.endswith("/") else ""
    try:
        data = preview_files(_previews(request).settings).get(name)
    except NewsletterError as error:
        return Response("\n".join(str(p) for p in error.problems), 422, media_type="text/plain", headers=COMMON_HEADERS)
    if data is None:
        return _not_found()
    return Response(data, media_type=ARCHIVE_TYPES[Path(name).suffix],
                    headers={**COMMON_HEADERS, "Content-Security-Policy": EMAIL_POLICY})


async def events(request: Request) -> StreamingResponse:
    return StreamingResponse(request.app.state.hub.stream(), media_type="text/event-stream", headers=COMMON_HEADERS)


ROUTES = [
    Route("/", page),
    Route("/assets/{name}", asset),
    Route("/api/issues", issues),
    Route("/api/issues/{issue}", issue_summary),
    Route("/api/issues/{issue}/{locale}", locale_view),
    Route("/api/issues/{issue}/{locale}/translator", translator_view),
    Route("/api/issues/{issue}/{locale}/checks", checks),
    Route("/email/{issue}/{locale}.html", email_html),
    Route("/draft/{issue}/{locale}.html", draft_html),
    Route("/screenshots/{issue}/{locale}/{name}", screenshot),
    Route("/events", events),
    Route("/archive/{path:path}", archive_file),
    Route("/shots/", shots),
    Route("/shots/{issue}/{name}", shots),
]


def create_app(previews: Previews, first_issue: str | None, allowed_hosts: list[str]) -> Starlette:
    """The application; the file watcher runs as long as it does."""

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette):
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch(previews, app.state.hub, stop))
        yield
        stop.set()
        await watcher

    # Only requests addressed to this server by name are answered (no DNS rebinding from web pages).
    app = Starlette(routes=ROUTES, lifespan=lifespan,
                    middleware=[Middleware(TrustedHostMiddleware, allowed_hosts=allowed_hosts)])
    app.state.previews, app.state.hub, app.state.first_issue = previews, Hub(), first_issue
    return app


class PreviewServer(uvicorn.Server):
    """uvicorn's server that, on Ctrl+C, first ends the open pages' event streams, so it stops at once and quietly."""

    def __init__(self, app: Starlette) -> None:
        super().__init__(uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=1, http=DeadlineProtocol,
                                        timeout_keep_alive=KEEP_ALIVE_SECONDS))
        self.hub: Hub = app.state.hub

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.hub.close_soon()
        super().handle_exit(sig, frame)
