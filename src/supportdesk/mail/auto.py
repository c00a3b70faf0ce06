"""Recognise automatic mail: auto-replies, lists, bounces, and our own mail coming back.

An auto-reply is stored on its ticket but never answered; a bounce is threaded to the
ticket of the mail that bounced and marks the address as failing; our own notification
coming back is dropped (issue "Automatic mail"). RFC 3834 ``Auto-Submitted`` is the
standard signal; the others are what Exchange, list managers and MTAs really send.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email.message import Message

from supportdesk.mail.parse import (
    POLICY,
    ParsedMail,
    header_text,
    message_ids,
    normalise_message_id,
)

AUTO_REPLY = "auto_reply"
BULK = "bulk"
BOUNCE = "bounce"

_DAEMONS = {"mailer-daemon", "postmaster", "mail-daemon", "mailerdaemon"}
_OOF_SUBJECT = re.compile(
    r"^\s*(?:automatic reply|auto(?:matic)?[- ]?reply|autosvar|automatiskt svar|frånvaro"
    r"|out of (?:the )?office|abwesenheitsnotiz|automatische antwort|réponse automatique"
    r"|absence|respuesta automática|risposta automatica|automatisch antwoord"
    r"|poissaoloilmoitus|automaattinen vastaus|fraværsmelding|autoreply)\b",
    re.IGNORECASE,
)


@dataclass
class Automatic:
    kind: str  # "" for a person's mail, or AUTO_REPLY, BULK, BOUNCE
    reason: str = ""


@dataclass
class Bounce:
    original_ids: list[str] = field(default_factory=list)
    recipients: list[str] = field(default_factory=list)
    diagnostic: str = ""
    # A delivery-status report was read: its recipients are all there is (a delay is
    # not a failure).
    reported: bool = False


def classify(mail: ParsedMail) -> Automatic:
    content_type = mail.message.get_content_type()
    report_type = (mail.message.get_param("report-type") or "").__str__().lower()
    local = mail.from_address.split("@", 1)[0]
    if content_type == "multipart/report" and report_type == "delivery-status":
        return Automatic(BOUNCE, "delivery-status report")
    if local in _DAEMONS:
        # A bounce only when the message is one: its structure or its words say so.
        if _looks_like_bounce(mail):
            return Automatic(BOUNCE, f"sent by {local}, shaped like a bounce")
        if local != "postmaster":  # a postmaster is often a person; a daemon never is
            return Automatic(AUTO_REPLY, f"sent by {local}")
    if mail.header("X-Failed-Recipients"):
        return Automatic(BOUNCE, "X-Failed-Recipients")
    auto_submitted = mail.header("Auto-Submitted").lower()
    if auto_submitted and auto_submitted.split(";")[0].strip() != "no":
        return Automatic(AUTO_REPLY, f"Auto-Submitted: {auto_submitted}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Autoresponder"):
        if mail.header(name):
            return Automatic(AUTO_REPLY, name)
    if mail.header("X-Auto-Response-Suppress"):
        return Automatic(AUTO_REPLY, "X-Auto-Response-Suppress")
    if content_type == "multipart/report":
        return Automatic(AUTO_REPLY, f"report ({report_type or 'unknown type'})")
    precedence = mail.header("Precedence").lower()
    if precedence in {"bulk", "junk", "list", "auto_reply"}:
        return Automatic(BULK, f"Precedence: {precedence}")
    if mail.header("List-Id") or mail.header("List-Unsubscribe"):
        return Automatic(BULK, "mailing list")
    if mail.header("X-Loop"):
        return Automatic(AUTO_REPLY, "X-Loop")
    if _OOF_SUBJECT.match(mail.subject):
        return Automatic(AUTO_REPLY, "out-of-office subject")
    return Automatic("")


_BOUNCE_SUBJECT = re.compile(
    r"undeliver|delivery (?:status notification|failure|has failed)|failure notice"
    r"|returned mail|mail delivery failed|delivery failed|unzustellbar|olevererbar"
    r"|non[- ]remis|could not be delivered",
    re.IGNORECASE,
)


def _looks_like_bounce(mail: ParsedMail) -> bool:
    for part in mail.message.walk():
        if part.get_content_type() in {
            "message/delivery-status",
            "message/rfc822",
            "text/rfc822-headers",
            "message/global-delivery-status",
        }:
            return True
    if mail.header("X-Failed-Recipients") or _BOUNCE_SUBJECT.search(mail.subject):
        return True
    return any(
        line.strip().lower().startswith(("message-id:", "> message-id:"))
        for line in mail.text.splitlines()[:400]
    )


def _sub_messages(part: Message) -> list[Message]:
    payload = part.get_payload()
    return [m for m in payload if isinstance(m, Message)] if isinstance(payload, list) else []


def bounce_details(mail: ParsedMail) -> Bounce:
    """The Message-IDs of the mail that bounced and the recipients that failed."""
    found = Bounce()
    for part in mail.message.walk():
        content_type = part.get_content_type()
        if content_type == "message/delivery-status":
            found.reported = True
            for block in _sub_messages(part):
                action = header_text(block, "Action").lower()
                recipient = header_text(block, "Final-Recipient") or header_text(
                    block, "Original-Recipient"
                )
                if recipient and action in {"", "failed"}:
                    address = recipient.split(";", 1)[-1].strip().strip("<>").lower()
                    if "@" in address:
                        found.recipients.append(address)
                diagnostic = header_text(block, "Diagnostic-Code")
                if diagnostic and not found.diagnostic:
                    found.diagnostic = diagnostic.split(";", 1)[-1].strip()[:500]
        elif content_type == "message/rfc822":
            for inner in _sub_messages(part):
                original = normalise_message_id(header_text(inner, "Message-ID"))
                if original:
                    found.original_ids.append(original)
        elif content_type == "text/rfc822-headers":
            headers = email.message_from_string(part.get_content(), policy=POLICY)
            original = normalise_message_id(header_text(headers, "Message-ID"))
            if original:
                found.original_ids.append(original)
    for address in mail.header("X-Failed-Recipients").split(","):
        if "@" in address:
            found.recipients.append(address.strip().lower())
    if not found.original_ids:
        # Bounces without a report quote the original header in the text.
        for line in mail.text.splitlines():
            if line.strip().lower().startswith(("message-id:", "> message-id:")):
                found.original_ids.extend(message_ids(line))
    found.original_ids += mail.thread_ids
    found.recipients = list(dict.fromkeys(found.recipients))
    found.original_ids = list(dict.fromkeys(found.original_ids))
    return found
