"""The translation checks (newsletter.i18n.qa) run over whole catalogs, each finding located in its PO file.

Apart from qa.py because the catalogs themselves use qa's per-message checks when they load.

Every finding has a severity, as the build treats it: an `error` is a translation the build refuses (the
email shows the English instead), a `warning` is advice — the translation ships as it is (a long
subject, a term the glossary would word differently), or it does not ship anyway (a fuzzy entry, whose
English is shown until a translator reviews it).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from newsletter.i18n.catalogs import load_catalog, po_path
from newsletter.i18n.qa import check_message

ERROR, WARNING = "error", "warning"

# What the translator does about each check's finding (the finding itself says what is wrong).
REMEDIES: dict[str, str] = {
    "links": "keep every [text](url) of the English, each URL exactly as the English has it",
    "emphasis": "keep the English's **bold** and *italic* spans, each closed",
    "placeholders": "copy every placeholder (%(name)s, {name}, [[name]]) from the English, unchanged; write a "
                    "percent sign as %%",
    "markup": "keep the English's markup as it is, add none",
    "whitespace": "start and end as the English does, with as many line breaks",
    "control-chars": "delete the invisible character",
    "plural-forms": "fill every msgstr[N] the catalog's Plural-Forms header asks for",
    "plural-rule": "write the language's Plural-Forms header, as the finding gives it; keep every form",
    "max-length": "shorten it: the inbox or button cuts what goes beyond",
    "display-width": "shorten it if you can: an inbox shows fewer CJK characters than the limit allows",
    "forbidden-term": "use the approved term",
    "approved-term": "use the approved term, or ask for yours to be added to locales/glossary.tbx",
}
CONSEQUENCES = {ERROR: "refused: the email shows the English until it is fixed",
                WARNING: "advice: the translation ships as it is"}
FUZZY_CONSEQUENCE = "fuzzy: the email shows the English until the entry is reviewed"


@dataclass(frozen=True)
class CatalogFinding:
    """A failed check, located in a PO file."""

    file: str
    line: int
    locale: str
    msgid: str
    check: str
    message: str
    severity: str = ERROR
    fuzzy: bool = False  # the entry is fuzzy: never shipped, whatever the check says

    @property
    def fix(self) -> str:
        remedy = REMEDIES.get(self.check, "fix the translation")
        return f"when you review the entry, {remedy} (and remove the fuzzy flag)" if self.fuzzy else remedy

    @property
    def consequence(self) -> str:
        return FUZZY_CONSEQUENCE if self.fuzzy else CONSEQUENCES[self.severity]

    @property
    def refused(self) -> bool:
        """A translation that would ship broken without the build's refusal: what the release gate counts."""
        return self.severity == ERROR

    def __str__(self) -> str:
        short = self.msgid if len(self.msgid) <= 50 else self.msgid[:47] + "..."
        said = self.message if " — " in self.message else f"{self.message} — {self.fix}"
        return (f"{self.file}:{self.line}: {self.severity}: {self.locale}: {self.check}: {said} "
                f"[{self.consequence}] (msgid {short!r})")

    def as_dict(self) -> dict:
        return {**asdict(self), "fix": self.fix, "consequence": self.consequence}


def check_catalogs(settings, locales=None) -> list[CatalogFinding]:
    """Every finding of every translated entry in the chosen catalogs: errors on what the build would
    refuse, warnings on fuzzy entries (checked against their new English, for the translator's review)."""
    found = []
    for locale in locales or settings.target_locales:
        catalog = load_catalog(settings, locale)
        display = settings.relative(po_path(settings, locale))
        for message in catalog:
            if not message.id:
                continue
            msgid = message.id[0] if isinstance(message.id, tuple) else message.id
            severity = WARNING if message.fuzzy else ERROR
            for finding in check_message(message, catalog):
                found.append(CatalogFinding(display, message.lineno, locale, msgid, finding.check, finding.message,
                                            severity, message.fuzzy))
    return found
