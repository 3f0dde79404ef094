"""A stateful stand-in of Amazon SES v2 for the operations `newsletter publish --provider ses` calls, routed and
checked by botocore's own SES v2 service model (botocore/data/sesv2): each request is matched to its
operation by the model's HTTP method and requestUri, its parameters are validated against the operation's
input shape, and each answer against its output shape; what breaks the model lands in `violations`
(the harness fails the module on any), so neither our client nor this stand-in can drift from SES's model.

Beyond the model, following SES's documentation: every request is signed with Signature Version 4, checked
here with the test key (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_sigv-create-signed-request.html;
an unknown access key id is UnrecognizedClientException, a wrong secret SignatureDoesNotMatch,
https://docs.aws.amazon.com/ses/latest/APIReference-V2/CommonErrors.html); a template name is unique
(CreateEmailTemplate: AlreadyExistsException, https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_CreateEmailTemplate.html);
a missing template, identity or list is NotFoundException (404); rest-json errors carry their code in the
x-amzn-ErrorType header (https://smithy.io/2.0/aws/protocols/aws-restjson1-protocol.html#operation-error-serialization).
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlencode

import botocore.session
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.credentials import Credentials
from botocore.validate import ParamValidator

from tests.api_harness import Answer, StandIn

ACCESS_KEY = "AKIASTANDIN000000001"
KEY = "standin/secret/0123456789abcdefghijklmnopqrstuvwx"  # the secret access key: what must never be shown
REGION = "eu-west-1"
SENDER_EMAIL = "newsletter@example.com"  # the sample project's sender.email
MODEL = botocore.session.get_session().get_service_model("sesv2")
AUTHORIZATION = re.compile(r"AWS4-HMAC-SHA256 Credential=([^/]+)/(\d{8})/([^/]+)/([^/]+)/aws4_request, "
                           r"SignedHeaders=([^,]+), Signature=([0-9a-f]+)$")


def error(status: int, code: str, message: str) -> Answer:
    return Answer(status, {"message": message}, {"x-amzn-ErrorType": code})


def _routes() -> list[tuple[str, re.Pattern, str]]:
    routes = []
    for name in MODEL.operation_names:
        http = MODEL.operation_model(name).http
        pattern = re.sub(r"\{(\w+)\+?\}", r"(?P<\1>[^/]+)", http["requestUri"].split("?")[0])
        routes.append((http["method"], re.compile(f"^{pattern}$"), name))
    return routes


ROUTES = _routes()


class SesStandIn(StandIn):
    def reset_state(self) -> None:
        self.account = {"SendingEnabled": True, "ProductionAccessEnabled": True, "EnforcementStatus": "HEALTHY",
                        "DedicatedIpAutoWarmupEnabled": False}
        self.identities = {SENDER_EMAIL: {"IdentityType": "EMAIL_ADDRESS", "VerifiedForSendingStatus": True,
                                          "VerificationStatus": "SUCCESS"}}
        self.contact_lists = {"newsletter": {"ContactListName": "newsletter", "Topics": [
            {"TopicName": "monthly", "DisplayName": "Monthly newsletter", "DefaultSubscriptionStatus": "OPT_IN"}]}}
        self.templates: dict[str, dict] = {}
        self.sent: list[dict] = []  # every SendEmail acted on
        self.violations: list[str] = []

    def serve(self, method, path, query, headers, body, raw=b"") -> Answer:
        refused = self._signature(method, path, query, headers, raw)
        return refused or super().serve(method, path, query, headers, body, raw)

    def _signature(self, method, path, query, headers, raw) -> Answer | None:
        found = AUTHORIZATION.match(headers.get("Authorization", ""))
        if not found or found.group(1) != ACCESS_KEY:
            return error(403, "UnrecognizedClientException", "The security token included in the request is invalid.")
        _, day, region, service, signed, signature = found.groups()
        url = f"https://{headers['Host']}{path}" + (f"?{urlencode(query, doseq=True)}" if query else "")
        request = AWSRequest(method=method, url=url, data=raw, headers={name: headers[name] for name in signed.split(";")})
        request.context["timestamp"] = headers.get("X-Amz-Date", "")
        signer = SigV4Auth(Credentials(ACCESS_KEY, KEY), service, region)
        expected = signer.signature(signer.string_to_sign(request, signer.canonical_request(request)), request)
        if expected != signature or service != MODEL.signing_name or region != REGION:
            return error(403, "SignatureDoesNotMatch", "The request signature we calculated does not match the "
                         "signature you provided. Check your AWS Secret Access Key and signing method.")
        return None

    def handle(self, method, path, query, headers, body) -> Answer:
        route = next(((name, found) for verb, pattern, name in ROUTES if verb == method
                      and (found := pattern.match(path))), None)
        if route is None:
            self.violations.append(f"{method} {path}: no SES v2 operation")
            return error(404, "NotFoundException", "Unknown operation")
        name, found = route
        operation = MODEL.operation_model(name)
        params = {**(body or {}), **{key: unquote(value) for key, value in found.groupdict().items()}}
        report = ParamValidator().validate(params, operation.input_shape) if operation.input_shape else None
        if report is not None and report.has_errors():
            self.violations.append(f"{name}: {report.generate_report()}")
            return error(400, "BadRequestException", report.generate_report())
        answer = getattr(self, f"_{name}", None)
        if answer is None:
            self.violations.append(f"{name}: not in the stand-in")
            return error(400, "BadRequestException", f"{name} is not used by publish")
        result = answer(params)
        if 200 <= result.status < 300 and operation.output_shape is not None:
            check = ParamValidator().validate(result.body or {}, operation.output_shape)
            if check.has_errors():
                self.violations.append(f"{name} answer: {check.generate_report()}")
        return result

    def _GetAccount(self, params: dict) -> Answer:
        return Answer(200, self.account)

    def _GetEmailIdentity(self, params: dict) -> Answer:
        identity = self.identities.get(params["EmailIdentity"])
        if identity is None:
            return error(404, "NotFoundException", f"Email identity {params['EmailIdentity']} does not exist.")
        return Answer(200, identity)

    def _GetContactList(self, params: dict) -> Answer:
        found = self.contact_lists.get(params["ContactListName"])
        if found is None:
            return error(404, "NotFoundException", f"List with name {params['ContactListName']} does not exist.")
        return Answer(200, found)

    def _GetEmailTemplate(self, params: dict) -> Answer:
        return self._with_template(params, lambda template: Answer(200, template))

    def _CreateEmailTemplate(self, params: dict) -> Answer:
        if params["TemplateName"] in self.templates:
            return error(400, "AlreadyExistsException", f"Template {params['TemplateName']} already exists.")
        self.templates[params["TemplateName"]] = {"TemplateName": params["TemplateName"],
                                                  "TemplateContent": dict(params["TemplateContent"])}
        return Answer(200, {})

    def _UpdateEmailTemplate(self, params: dict) -> Answer:
        return self._with_template(params, lambda template: template.update(
            TemplateContent=dict(params["TemplateContent"])) or Answer(200, {}))

    def _with_template(self, params: dict, then) -> Answer:
        template = self.templates.get(params["TemplateName"])
        if template is None:
            return error(404, "NotFoundException", f"Template {params['TemplateName']} does not exist.")
        return then(template)

    def _SendEmail(self, params: dict) -> Answer:
        template = (params.get("Content") or {}).get("Template") or {}
        if template and template.get("TemplateName") not in self.templates:
            return error(404, "NotFoundException", f"Template {template.get('TemplateName')} does not exist.")
        if not self.account["ProductionAccessEnabled"]:  # the sandbox: verified recipients only
            unverified = [to for to in params["Destination"].get("ToAddresses", []) if to not in self.identities]
            if unverified:
                return error(400, "MessageRejected", f"Email address is not verified. The following identities "
                             f"failed the check in region {REGION.upper()}: {', '.join(unverified)}")
        self.sent.append(params)
        return Answer(200, {"MessageId": f"0100018c-standin-{len(self.sent):04d}"})
