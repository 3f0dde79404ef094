"""Amazon SES's API face (SES v2, through botocore, AWS's own SDK core): per locale the email template of the
export (newsletter/providers/ses.py), `newsletter-<locale>`, created once and brought to each issue's file.

SES has no campaigns and no scheduled sends: the templates are what publish carries; the sender's loop picks
each subscriber's template with routing.json at the send time (docs/export.md). So `--schedule` is refused.
The account gives what the send needs: sending enabled (GetAccount; in the sandbox, only verified
recipients), the sender's identity verified (GetEmailIdentity, the address or its domain), and the contact
list and topic routing.json names (GetContactList), without which SES leaves {{amazonSESUnsubscribeUrl}}
empty. A template is looked up by its name (GetEmailTemplate; SES names are unique), created
(CreateEmailTemplate) or updated (UpdateEmailTemplate). `--test-to`: SES has no test email, so a proof goes
through its send API to those addresses only (SendEmail with the template, sample data and the list
management the real send names). Reference: https://docs.aws.amazon.com/ses/latest/APIReference-V2/ and the
service model botocore ships (botocore/data/sesv2), which checks every request before it is sent.
"""

from __future__ import annotations

import email.utils
import json
import os
from collections.abc import Callable

import botocore.session
from botocore.config import Config
from botocore.exceptions import BotoCoreError, ClientError, ConnectTimeoutError, EndpointConnectionError, SSLError

from newsletter.delivery.publish.engine import Publisher
from newsletter.delivery.publish.exported import ExportedSend
from newsletter.delivery.publish.http import Account, ApiError, Uncertain
from newsletter.delivery.publish.ledger import Ledger
from newsletter.delivery.publish.plan import Options, PlanStep, RemoteObject, account_refusal
from newsletter.errors import QUOTE_LIMIT, Location, NewsletterError, Problem, shortened
from newsletter.providers.ses import template_data

KIND = "email template"
TEST = "test email"
MAX_TEST_ADDRESSES = 50  # SendEmail: at most 50 recipients per message
ACCESS_KEY_VARIABLE = "AWS_ACCESS_KEY_ID"
REGION_VARIABLE = "AWS_REGION"
CREATED = ("CreateEmailTemplate",)  # a create whose outcome is unknown: looked up before it is tried again


class SesClient:
    """botocore's SES v2 client, its errors as one line each: the same promises as http.ApiClient (https only,
    certificates verified, a timeout on every request, throttling and 5xx retried with backoff by botocore's
    standard retry mode)."""

    def __init__(self, account: Account, access_key: str, region: str, cafile: str | None, timeout: float,
                 advice: Callable[[int, str], str]):
        self.account, self.advice = account, advice
        config = Config(connect_timeout=timeout, read_timeout=timeout, retries={"mode": "standard", "max_attempts": 5})
        self.ses = botocore.session.Session().create_client(
            "sesv2", region_name=region, endpoint_url=account.url, aws_access_key_id=access_key,
            aws_secret_access_key=account.key, verify=cafile or True, config=config)

    def close(self) -> None:
        self.ses.close()

    def call(self, operation: str, **params) -> dict:
        """One SES v2 operation (its Python name, e.g. get_email_template); the answer, or one line of what went wrong."""
        name = self.ses.meta.method_to_api_mapping[operation]
        where = Location(self.account.title, field=name)
        try:
            return getattr(self.ses, operation)(**params)
        except ClientError as error:
            code = error.response.get("Error", {}).get("Code", "")
            status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode") or 400)
            text = self._clean(f"{error.response.get('Error', {}).get('Message', '')} ({code})")
            if code == "AlreadyExistsException" and name in CREATED:
                raise Uncertain(Problem(where, f"{self.account.title} has it already: {text}"), status) from None
            if status >= 500 or code in ("TooManyRequestsException", "ThrottlingException"):
                raise ApiError(Problem(where, f"{self.account.title} did not answer as expected: {text}",
                                       "run the same command again later: it finishes what is left and does nothing "
                                       "twice"), status) from None
            raise ApiError(Problem(where, f"{self.account.title} refused it ({status}): {text}",
                                   self.advice(status, code)), status) from None
        except BotoCoreError as error:
            text = self._clean(error)
            if isinstance(error, SSLError) or "CERTIFICATE_VERIFY_FAILED" in str(error):
                raise ApiError(Problem(where, f"its certificate is not trusted ({text})", "check the API address; behind "
                                       "a company proxy, name its certificate authority with --cafile")) from None
            if isinstance(error, (ConnectTimeoutError, EndpointConnectionError)):  # never reached SES
                raise ApiError(Problem(where, f"cannot connect ({text})", "check the network and "
                                       f"{self.account.url_variable}, then run the same command again")) from None
            kind = Uncertain if name in CREATED else ApiError  # a read timeout, a dropped connection: SES may have acted
            raise kind(Problem(where, f"{self.account.title} did not answer as expected: {text}",
                               "run the same command again later: it finishes what is left and does nothing twice")) from None

    def _clean(self, text: object) -> str:
        shown = str(text).replace(self.account.key, "***") if self.account.key else str(text)
        return shortened(" ".join(shown.split()), 300)


class SesPublisher(Publisher):
    name = "ses"
    title = "Amazon SES"
    key_variable = "AWS_SECRET_ACCESS_KEY"
    url_variable = "AWS_ENDPOINT_URL_SESV2"  # botocore's own name for an SES v2 endpoint of one's choosing
    default_url = ""
    test_sends = True

    @classmethod
    def default_url_for(cls, key: str) -> str:
        region = os.environ.get(REGION_VARIABLE, "").strip()
        return f"https://email.{region}.amazonaws.com" if region else ""

    @classmethod
    def environment_problems(cls) -> list[Problem]:
        return [Problem(Location(variable), f"{cls.title} needs {what} and {variable} is not set",
                        f"set it in the environment of this command (export {variable}={example})")
                for variable, what, example in ((ACCESS_KEY_VARIABLE, "the access key id of its key", "AKIA…"),
                                                (REGION_VARIABLE, "the account's region", "eu-west-1"))
                if not os.environ.get(variable, "").strip()]

    @classmethod
    def connect(cls, account: Account, cafile: str | None, timeout: float, on_retry: Callable[[str], None]) -> SesClient:
        if problems := cls.environment_problems():
            raise NewsletterError(problems)
        return SesClient(account, os.environ[ACCESS_KEY_VARIABLE].strip(), os.environ[REGION_VARIABLE].strip(), cafile,
                         timeout, cls.advice)

    @classmethod
    def advice(cls, status: int, text: str) -> str:
        if text in ("UnrecognizedClientException", "InvalidClientTokenId", "SignatureDoesNotMatch"):
            return (f"the key in {ACCESS_KEY_VARIABLE} and {cls.key_variable} is wrong or revoked: create a new one "
                    "in IAM (Security credentials → Access keys) and set both")
        if text == "AccessDeniedException":
            return ("the key lacks a permission this needs: allow it ses:GetAccount, ses:GetEmailIdentity, "
                    "ses:GetContactList, ses:GetEmailTemplate, ses:CreateEmailTemplate, ses:UpdateEmailTemplate "
                    "and, for --test-to, ses:SendEmail")
        return super().advice(status, text)

    def account(self) -> tuple[list[str], list[PlanStep]]:
        self.sandbox = False
        answer = self.client.call("get_account")
        lines, refused = [], []
        if not answer.get("SendingEnabled"):
            refused.append(account_refusal("account", self.title, "sending is paused in this account: see the SES "
                                           "console's Account dashboard for why, then run again"))
        if not answer.get("ProductionAccessEnabled"):
            self.sandbox = True
            lines.append("in the SES sandbox: it sends only to verified addresses (request production access before "
                         "the send)")
        sender = self.settings.sender.email
        identity = self._identity(sender) or self._identity(sender.rpartition("@")[2])
        if identity is None or not identity.get("VerifiedForSendingStatus"):
            state = "not verified yet" if identity else f"no identity {sender} (nor its domain) in {self.title}"
            refused.append(account_refusal("sender", sender, f"{state}: verify it under Configuration → Identities, "
                                           "then run again"))
        else:
            lines.append(f"sender {self.settings.sender.name} <{sender}> (verified identity {identity['name']})")
        return lines, refused

    def _identity(self, name: str) -> dict | None:
        try:
            return {**self.client.call("get_email_identity", EmailIdentity=name), "name": name}
        except ApiError as error:
            if error.status == 404:
                return None
            raise

    def plan_send(self, send: ExportedSend, options: Options, ledger: Ledger) -> list[PlanStep]:
        wanted = next(doc for doc in send.documents.values() if isinstance(doc, dict) and "TemplateName" in doc)
        routing = next(doc for doc in send.documents.values() if isinstance(doc, dict) and "ListManagementOptions" in doc)
        name, lists = wanted["TemplateName"], routing["ListManagementOptions"]
        details = self._details(send, wanted, lists)
        if options.schedule is not None:
            return [PlanStep(send.locale, "refuse", KIND, name, details, reason=f"{self.title} has no scheduled sends: "
                             "publish without --schedule, then run the routing loop of docs/export.md at the send time")]
        refused = self._contact_list(send, name, details, lists)
        if refused:
            return [refused]
        remote = self._find(name)
        if remote is None:
            step = PlanStep(send.locale, "create", KIND, name, details, run=lambda _: self._create(wanted),
                            find=lambda: self._find(name))
        else:
            changed = [part for part in ("Subject", "Html", "Text")
                       if remote.fields.get(part) != wanted["TemplateContent"].get(part)]
            step = self.update_or_keep(send, KIND, details, remote, changed, lambda _: self._update(wanted), name,
                                       "already as exported")
        if not options.test_to:
            return [step]
        if len(options.test_to) > MAX_TEST_ADDRESSES:
            return [step, PlanStep(send.locale, "refuse", TEST, name, reason=f"{len(options.test_to)} addresses: SES "
                                   f"sends a message to at most {MAX_TEST_ADDRESSES}; name fewer after --test-to")]
        return [step, *self.test_steps(send, KIND, options, lambda remote, to: self._send_test(remote, to, lists))]

    def _details(self, send: ExportedSend, wanted: dict, lists: dict) -> tuple[str, ...]:
        sender = self.settings.sender
        return (f"audience: {send.audience} → template {wanted['TemplateName']} in routing.json, sent by your loop",
                f"subject: “{shortened(wanted['TemplateContent'].get('Subject', ''), QUOTE_LIMIT)}”",
                f"sender: {sender.name} <{sender.email}>; unsubscribe: {{{{amazonSESUnsubscribeUrl}}}}, contact list "
                f"{lists['ContactListName']}, topic {lists['TopicName']}",
                "schedule: none (SES has no scheduled sends: your loop sends at the send time)")

    def _contact_list(self, send: ExportedSend, name: str, details: tuple[str, ...], lists: dict) -> PlanStep | None:
        """The contact list and topic {{amazonSESUnsubscribeUrl}} needs, read once."""
        if not hasattr(self, "topics"):
            try:
                answer = self.client.call("get_contact_list", ContactListName=lists["ContactListName"])
                self.topics = [topic.get("TopicName") for topic in answer.get("Topics") or []]
            except ApiError as error:
                if error.status != 404:
                    raise
                self.topics = None
        where = f"contact list {lists['ContactListName']}"
        if self.topics is None:
            reason = f"no {where} in {self.title}: create it with its topic {lists['TopicName']} (aws sesv2 create-contact-list)"
        elif lists["TopicName"] not in self.topics:
            reason = f"{where} has no topic {lists['TopicName']}: add it (aws sesv2 update-contact-list)"
        else:
            return None
        return PlanStep(send.locale, "refuse", KIND, name, details, reason=f"{reason}; without them SES leaves "
                        "{{amazonSESUnsubscribeUrl}} empty")

    def _find(self, name: str) -> RemoteObject | None:
        try:
            answer = self.client.call("get_email_template", TemplateName=name)
        except ApiError as error:
            if error.status == 404:
                return None
            raise
        return RemoteObject(KIND, answer["TemplateName"], answer["TemplateName"], "template", None,
                            dict(answer.get("TemplateContent") or {}))

    def _create(self, wanted: dict) -> RemoteObject:
        self.client.call("create_email_template", **wanted)
        return RemoteObject(KIND, wanted["TemplateName"], wanted["TemplateName"], "template")

    def _update(self, wanted: dict) -> RemoteObject:
        self.client.call("update_email_template", **wanted)
        return RemoteObject(KIND, wanted["TemplateName"], wanted["TemplateName"], "template")

    def _send_test(self, remote: RemoteObject, addresses: tuple[str, ...], lists: dict) -> RemoteObject:
        sender = self.settings.sender
        answer = self.client.call(
            "send_email", FromEmailAddress=email.utils.formataddr((sender.name, sender.email)),  # RFC 2047 if not ASCII
            Destination={"ToAddresses": list(addresses)}, ReplyToAddresses=[sender.reply_to or sender.email],
            Content={"Template": {"TemplateName": remote.name, "TemplateData": json.dumps(template_data("Alex"))}},
            ListManagementOptions=lists)
        return RemoteObject(TEST, remote.name, str(answer.get("MessageId", "")), f"sent to {len(addresses)}")
