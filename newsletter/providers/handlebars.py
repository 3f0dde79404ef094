"""Handlebars, shared by the providers whose templates use it (Amazon SES, SendGrid).

https://handlebarsjs.com/guide/expressions.html#escaping-handlebars-expressions — a backslash
before `{{` makes it literal; https://handlebarsjs.com/guide/builtin-helpers.html#if — `{{#if}}…{{else}}…{{/if}}`.
"""

from __future__ import annotations


from newsletter.providers.base import Provider


class HandlebarsProvider(Provider):
    first_name_field = "first_name"  # the template-data field the sender fills per subscriber

    def escape(self, literal: str) -> str:
        return literal.replace("{{", "\\{{")

    def first_name(self, fallback: str, is_html: bool) -> str:
        # `{{x}}` HTML-escapes the value (right in HTML); `{{{x}}}` does not (right in plain text).
        field = self.first_name_field
        value = f"{{{{{field}}}}}" if is_html else f"{{{{{{{field}}}}}}}"
        return f"{{{{#if {field}}}}}{value}{{{{else}}}}{self.escape(fallback)}{{{{/if}}}}"
