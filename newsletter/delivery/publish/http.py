"""The one HTTP client every provider's API face uses (httpx): https only, certificates verified,
a timeout on every request, 429 and 5xx retried with backoff that honours Retry-After, and a 4xx
reported with the provider's own text and what marketing should do about it.

The API key is only ever in a request header: never in a URL, a message, a log line or a file;
any text that reaches a message has it blanked, should a provider echo it.

Retrying is safe where repeating the request changes nothing (GET, PUT, PATCH, DELETE). A POST that
creates something is repeated only when the provider cannot have acted on it (429, a connection never
made); after a timeout, a dropped connection or a 5xx the outcome is unknown, so `Uncertain` is raised
and the engine looks the object up by its name before it tries again (never twice).
"""

from __future__ import annotations

import email.utils
import os
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from newsletter.errors import Location, NewsletterError, Problem, shortened

ATTEMPTS = 5  # one request and up to four retries
LONGEST_WAIT = 60.0  # seconds: a provider asking for a longer pause is told to be run again later
IDEMPOTENT = ("GET", "PUT", "PATCH", "DELETE")
MAX_RESPONSE = 32 * 1024 * 1024  # bytes: an answer larger than this is not one of the documented ones


@dataclass(frozen=True)
class Account:
    """Where a provider's API is and the key to it, read from the environment (never from arguments)."""

    title: str
    key_variable: str  # e.g. SENDGRID_API_KEY
    url_variable: str  # e.g. SENDGRID_API_URL, for a regional endpoint (or a test harness)
    default_url: str
    key: str = ""
    url: str = ""

    def __repr__(self) -> str:  # a traceback or a debugger never shows the key
        return f"Account({self.title!r}, {self.url!r}, key from {self.key_variable})"


def account_from_environment(title: str, key_variable: str, url_variable: str, default_url: str | Callable[[str], str],
                             environ: dict[str, str] | None = None, self_hosted: bool = False) -> Account:
    """The key and the address; `default_url` may be read from the key (a provider whose key names its data centre)."""
    environ = os.environ if environ is None else environ
    key, problems = environ.get(key_variable, "").strip(), []
    if not key:
        problems.append(Problem(Location(key_variable), f"{title} needs an API key and {key_variable} is not set",
                                f"set it in the environment of this command (export {key_variable}=…); "
                                "it is never read from the command line"))
    if callable(default_url):
        default_url = default_url(key) if key else ""
    url = environ.get(url_variable, "").strip() or default_url
    if not url and self_hosted:  # listmonk: only the user knows its address; said with a missing key, at once
        problems.append(Problem(Location(url_variable), f"{title} runs on your own server and {url_variable} is not set",
                                f"set it to your instance's API address (export {url_variable}=https://lists.example.com/api)"))
    elif url and not url.startswith("https://"):
        problems.append(Problem(Location(url_variable), f"{url_variable} must be an https:// address",
                                "publish talks to providers over https only, with verified certificates"))
    if problems:
        raise NewsletterError(problems)
    return Account(title, key_variable, url_variable, default_url, key, url.rstrip("/"))


class ApiError(NewsletterError):
    """The provider refused a request, or could not be reached: one line, with what to do."""

    def __init__(self, problem: Problem, status: int | None = None):
        super().__init__(problem)
        self.status = status


class Uncertain(ApiError):
    """A request that may or may not have reached the provider: look before trying it again."""


Advice = Callable[[int, str], str]  # (status, provider's text) → what marketing should do


class ApiClient:
    def __init__(self, account: Account, headers: dict[str, str], advice: Advice, error_text: Callable[[object], str],
                 cafile: str | None = None, timeout: float = 30.0, on_retry: Callable[[str], None] = lambda line: None,
                 sleep: Callable[[float], None] = time.sleep):
        self.account, self.advice, self.error_text = account, advice, error_text
        self.last_request = ""  # the request whose answer is being read, for a line about an answer publish cannot read
        self.on_retry, self.sleep = on_retry, sleep
        verify: ssl.SSLContext | bool = ssl.create_default_context(cafile=cafile) if cafile else True
        self.http = httpx.Client(base_url=account.url, headers=headers, verify=verify, timeout=httpx.Timeout(timeout),
                                 follow_redirects=False, trust_env=False)

    def close(self) -> None:
        self.http.close()

    def request(self, method: str, path: str, json: object = None, params: dict | None = None,
                form: list[tuple[str, str]] | None = None) -> object:
        """The parsed JSON answer of a 2xx; an ApiError (or Uncertain) otherwise, after the retries allowed.
        `form`: the body as multipart/form-data fields (a name may repeat), for an API that takes no JSON."""
        where = self.last_request = f"{method} {path}"
        files = [(name, (None, value.encode("utf-8"))) for name, value in form] if form else None
        for attempt in range(1, ATTEMPTS + 1):
            last = attempt == ATTEMPTS
            try:
                response = self.http.request(method, path, json=json, params=params, files=files)
            except httpx.ConnectError as error:  # never reached the provider: always safe to repeat
                if "CERTIFICATE_VERIFY_FAILED" in str(error):
                    raise ApiError(Problem(Location(self.account.title, field=where), "its certificate is not trusted "
                                           f"({self._clean(error)})", "check the API address; behind a company proxy, "
                                           "name its certificate authority with --cafile")) from error
                self._retry_or_fail(attempt, last, where, f"cannot connect to {self.account.url} ({self._clean(error)})",
                                    None, certain=True, advice=self._address_advice())
                continue
            except httpx.TransportError as error:  # timeout, connection dropped mid-request
                self._retry_or_fail(attempt, last or method not in IDEMPOTENT, where, f"{self._clean(error) or type(error).__name__}",
                                    None, certain=False)
                continue
            if response.status_code == 429 or response.status_code >= 500:
                certain = response.status_code == 429 or method in IDEMPOTENT
                self._retry_or_fail(attempt, last or not certain, where, f"{response.status_code} {self._text(response)}",
                                    self._wait_asked(response), certain=certain, status=response.status_code)
                continue
            if response.status_code >= 300:
                raise self._refusal(where, response)
            return self._json(response)
        raise AssertionError("unreachable: the last attempt raises")

    def _address_advice(self) -> str:
        """What to check when the address answers nothing: the variable that chose it, or that none did."""
        account = self.account
        chosen = (f"{account.url_variable} is set to {account.url}" if os.environ.get(account.url_variable, "").strip()
                  else f"{account.url_variable} is not set, so it is {account.title}'s own address")
        return (f"check the network and the API address ({chosen}), then run the same command again: it finishes what "
                "is left and does nothing twice")

    def _retry_or_fail(self, attempt: int, give_up: bool, where: str, what: str, asked: float | None, certain: bool,
                       status: int | None = None, advice: str | None = None) -> None:
        title = self.account.title
        if asked is not None and asked > LONGEST_WAIT:
            raise ApiError(Problem(Location(title, field=where), f"{title} asks to wait {asked:.0f} s before the next "
                                   f"request ({what})", "run the same command again then: nothing is done twice"), status)
        if give_up:
            kind = ApiError if certain else Uncertain
            raise kind(Problem(Location(title, field=where), f"{title} did not answer as expected: {what}",
                               advice or "run the same command again later: it finishes what is left and does nothing "
                               "twice"), status)
        wait = asked if asked is not None else float(2 ** (attempt - 1))  # 1, 2, 4, 8 s
        self.on_retry(f"{title}: {where}: {what}; trying again in {wait:g} s"
                      + (" (as its Retry-After asks)" if asked is not None else ""))
        self.sleep(wait)

    def _wait_asked(self, response: httpx.Response) -> float | None:
        """Retry-After, in seconds or as an HTTP date (RFC 9110 §10.2.3)."""
        value = response.headers.get("retry-after")
        if value is None:
            return None
        if value.strip().isdigit():
            return float(value.strip())
        try:
            when = email.utils.parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        return max(0.0, when.timestamp() - time.time())

    def _refusal(self, where: str, response: httpx.Response) -> ApiError:
        text = self._text(response)
        title = self.account.title
        return ApiError(Problem(Location(title, field=where), f"{title} refused it ({response.status_code}): {text}",
                                self.advice(response.status_code, text)), response.status_code)

    def _text(self, response: httpx.Response) -> str:
        """The provider's own words about an error, from its documented error body, or the raw text."""
        try:
            text = self.error_text(response.json())
        except ValueError:
            text = ""
        return self._clean(text or response.reason_phrase or response.text)

    def _clean(self, text: object) -> str:
        shown = str(text).replace(self.account.key, "***") if self.account.key else str(text)
        return shortened(" ".join(shown.split()), 300)

    def _json(self, response: httpx.Response) -> object:
        if len(response.content) > MAX_RESPONSE:
            raise ApiError(Problem(Location(self.account.title), "the answer is larger than any this program expects"))
        if not response.content:
            return None
        try:
            return response.json()
        except ValueError as error:
            raise ApiError(Problem(Location(self.account.title), f"the answer is not JSON ({error})",
                                   "check the API address; run again later")) from error
