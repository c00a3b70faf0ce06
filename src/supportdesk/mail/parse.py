"""Read a raw message with the standard library's ``email`` package (policy.default).

Nothing is hand-parsed: headers (RFC 2047), parameters and file names (RFC 2231), bodies
and their transfer encodings are the ``email`` package's. What is added here is the
tolerance real mail needs: 8-bit headers and bodies in an undeclared or wrongly declared
charset, and header values so broken that the structured parser gives up.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import email
import email.header
import email.utils
import functools
import mimetypes
import re
from dataclasses import dataclass, field
from email import policy
from email.headerregistry import Address
from email.message import EmailMessage, Message
from email.policy import EmailPolicy
from typing import Any

from supportdesk.mail.html import html_to_text, sanitise

_MSG_ID = re.compile(r"<[^<>\s]{1,990}>")

# A header value longer than this is cut before it is parsed (the structured parser is
# slower than linear); the raw message keeps it whole. Subjects are cut with a note.
HEADER_MAX_CHARS = 4000
# Parts looked at for text and attachments; the rest stay in the raw message, listed.
PARTS_MAX = 1000
ATTACHMENTS_MAX = 100
_FILENAME = re.compile(r"""filename\*?(?:\*\d+)?\*?\s*=\s*"?([^";\r\n]{1,255})""", re.I)


class _BoundedPolicy(EmailPolicy):
    """``policy.default``, but header values are cut to ``HEADER_MAX_CHARS`` when read.

    Parsed values are remembered: the parser reads every part's Content-Type many times,
    and a message of thousands of parts would spend seconds parsing the same text again.
    """

    def header_fetch_parse(self, name: str, value: str) -> Any:
        if len(value) > HEADER_MAX_CHARS:
            value = value[:HEADER_MAX_CHARS]
        return _parsed_header(self, name, value)


@functools.lru_cache(maxsize=8192)
def _parsed_header(policy_: EmailPolicy, name: str, value: str) -> Any:
    return EmailPolicy.header_fetch_parse(policy_, name, value)


POLICY = _BoundedPolicy()


class UnreadableMail(Exception):
    """The bytes are not a mail message we can act on; kept for reprocessing."""


@dataclass
class Part:
    """An attachment or inline image."""

    filename: str
    content_type: str
    data: bytes
    content_id: str = ""
    inline: bool = False


@dataclass
class ParsedMail:
    message: EmailMessage
    message_id: str
    in_reply_to: list[str]
    references: list[str]
    subject: str
    from_name: str
    from_address: str
    to: list[str]
    cc: list[str]
    delivered_to: list[str]
    sent_at: dt.datetime | None
    text: str
    html: str
    language: str
    attachments: list[Part] = field(default_factory=list)
    # What a person should know: a subject cut, NUL bytes replaced, parts not taken…
    notes: list[str] = field(default_factory=list)

    _headers: dict[str, str] = field(default_factory=dict, repr=False)

    def header(self, name: str) -> str:
        """A header's text ('' when absent), read defensively (and once: parsing costs)."""
        key = name.lower()
        if key not in self._headers:
            self._headers[key] = header_text(self.message, name)
        return self._headers[key]

    @property
    def thread_ids(self) -> list[str]:
        """In-Reply-To first, then References newest first: the order to match them in."""
        seen: dict[str, None] = {}
        for value in [*self.in_reply_to, *reversed(self.references)]:
            seen.setdefault(value, None)
        return list(seen)


# Labels read as the charset mail clients and browsers (the WHATWG Encoding Standard)
# decode them with: a superset that senders' software really writes, or a name Python
# does not know. Read strictly, Chinese mail labelled GB2312 fails on its first GBK
# character and ends up as Latin-1 mojibake.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "ks_c_5601-1987": "cp949",
    "euc-kr": "cp949",
    "shift_jis": "cp932",
    "big5": "big5hkscs",
    "tis-620": "cp874",
    "iso-8859-11": "cp874",
    "windows-874": "cp874",
    "iso-8859-8-i": "iso-8859-8",
    "iso-8859-6-i": "iso-8859-6",
}


def decode_bytes(payload: bytes, declared: str | None) -> str:
    """Bytes in a declared charset that may be wrong or unknown.

    Valid UTF-8 wins over a declared ASCII or Latin charset (a common mislabel); a
    declared charset that fails falls back to UTF-8, then Windows-1252, then Latin-1,
    which decodes anything.
    """
    declared = (declared or "").strip().strip('"').lower()
    declared = _SUPERSETS.get(declared, declared)
    # Mail labelled Latin-1 is written in Windows-1252 (as browsers assume too).
    if declared in {"iso-8859-1", "latin-1", "latin1", "us-ascii", "ascii"}:
        declared = "cp1252"
    candidates = []
    if declared in {"", "cp1252", "windows-1252"}:
        candidates.append("utf-8")
    candidates += [declared, "utf-8", "cp1252", "latin-1"]
    for charset in candidates:
        if not charset:
            continue
        try:
            return payload.decode(charset)
        except (LookupError, ValueError):  # unknown or malformed label, undecodable bytes
            continue
    return payload.decode("latin-1")


_SURROGATE = re.compile("[\udc80-\udcff]")


def _unsurrogate(text: str) -> str:
    # 8-bit bytes in headers arrive as surrogate escapes: read them as UTF-8 or Latin.
    if not _SURROGATE.search(text):
        return text
    return decode_bytes(text.encode("utf-8", "surrogateescape"), None)


def header_text(message: Message, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # the structured parser can fail on broken input: use the raw text
        value = None
        for key, raw in message.raw_items():
            if key.lower() == name.lower():
                value = raw
                break
    if value is None:
        return ""
    text = str(value)
    if "\ufffd" in text:
        # 8-bit bytes in a header: the parser replaced them; read the raw bytes instead.
        raw = _raw_header(message, name)
        if "\ufffd" not in raw and "=?" not in raw:
            text = raw
        elif "=?" in raw and raw.isascii():
            # Encoded words in a charset the parser does not know or reads too strictly.
            decoded = _encoded_words(raw)
            if decoded and decoded.count("\ufffd") < text.count("\ufffd"):
                text = decoded
    # Unfold and collapse ASCII white space; other spaces (no-break…) are content.
    return re.sub(r"[ \t\r\n]+", " ", _unsurrogate(text)).strip(" \t")


def _encoded_words(raw: str) -> str:
    """An ASCII header value with its RFC 2047 words decoded by :func:`decode_bytes`."""
    try:
        chunks = email.header.decode_header(raw)
    except Exception:  # a malformed encoded word: keep what the parser made of it
        return ""
    return "".join(
        decode_bytes(chunk, charset) if isinstance(chunk, bytes) else chunk
        for chunk, charset in chunks
    )


def _raw_header(message: Message, name: str) -> str:
    values = [str(v) for k, v in message.raw_items() if k.lower() == name.lower()]
    return _unsurrogate(" ".join(values))


def _unbracketed(address: Address, raw: str) -> tuple[str, str]:
    """Name and address; ``From: Big Bug bb@bug.com`` (no angle brackets) is read the way
    mature parsers do: the parser makes one local part ``"Big Bug bb"`` of the words, but
    the last word is the address and the words before it the name. A local part quoted
    as written stays whole."""
    username = address.username
    if not any(char.isspace() for char in username) or f'"{username}"' in raw:
        return address.display_name, address.addr_spec
    *words, local = username.split()
    return address.display_name or " ".join(words), f"{local}@{address.domain}"


def addresses(message: EmailMessage, name: str) -> list[tuple[str, str]]:
    found: list[tuple[str, str]] = []
    try:
        header = message.get(name)
        if header is not None:
            raw: str | None = None
            for address in getattr(header, "addresses", ()):
                if address.username and address.domain:
                    if raw is None:  # read once for all the header's addresses
                        raw = _raw_header(message, name)
                    display, spec = _unbracketed(address, raw)
                    found.append((_unsurrogate(display), _unsurrogate(spec)))
            if found or not str(header).strip():
                return [(n, a.lower()) for n, a in found]
    except Exception:  # noqa: S110 - fall back to the lenient reader below
        pass
    for display, address in email.utils.getaddresses([_raw_header(message, name)]):
        if "@" in address:
            found.append((display, address))
    return [(n, a.strip().lower()) for n, a in found]


def message_ids(value: str) -> list[str]:
    """The ``<id>`` tokens of a Message-ID, In-Reply-To or References value."""
    return _MSG_ID.findall(value)


def normalise_message_id(value: str) -> str:
    found = message_ids(value)
    if found:
        return found[0][:998]
    value = value.strip()
    return f"<{value.strip('<>')}>"[:998] if value and " " not in value else ""


def _date(message: EmailMessage) -> dt.datetime | None:
    try:
        header = message.get("Date")
        when = getattr(header, "datetime", None)
    except Exception:
        when = None
    if when is None:
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=dt.UTC)
    return when.astimezone(dt.UTC)


def _text_of(part: Message) -> str:
    payload = part.get_payload(decode=True)
    if not isinstance(payload, bytes):
        return str(part.get_payload())
    return decode_bytes(payload, part.get_content_charset())


def _leaves(message: Message) -> list[Message]:
    """Leaf parts in order, without descending into attached messages."""
    if message.get_content_maintype() == "message" or not message.is_multipart():
        return [message]
    found: list[Message] = []
    payload = message.get_payload()
    for sub in payload if isinstance(payload, list) else []:
        if isinstance(sub, Message):
            found.extend(_leaves(sub))
    return found


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or bool(part.get_filename())


def _filename(part: Message, number: int) -> str:
    try:
        name = part.get_filename()
    except Exception:
        name = None
    name = _unsurrogate(name or "").strip().replace("/", "_").replace("\\", "_")
    if name:
        return name[-255:]
    content_type = part.get_content_type()
    if content_type == "message/rfc822":
        return f"message-{number}.eml"
    extension = mimetypes.guess_extension(content_type) or ".bin"
    return f"{'image' if content_type.startswith('image/') else 'attachment'}-{number}{extension}"


def _part_bytes(part: Message) -> bytes:
    if part.get_content_maintype() == "message":
        payload: Any = part.get_payload()
        inner = payload[0] if isinstance(payload, list) and payload else payload
        return inner.as_bytes(policy=policy.SMTP) if isinstance(inner, Message) else b""
    data = part.get_payload(decode=True)
    return data if isinstance(data, bytes) else b""


_HEADER_LINE = re.compile(rb"^[\x21-\x39\x3b-\x7e]+[ \t]*:")
_SPACED_NAME = re.compile(rb"^([\x21-\x39\x3b-\x7e]+)[ \t]+:")


def repair_header(raw: bytes) -> tuple[bytes, list[str]]:
    """The message with its header block made readable, and what was repaired.

    Mature parsers read on where the ``email`` package stops: a header name with a space
    before the colon (``From  :``) is a header, and a broken line with headers after it
    does not end the header block. Only the copy that is parsed is repaired.
    """
    end = raw.find(b"\n\n")
    crlf_end = raw.find(b"\r\n\r\n")
    if crlf_end >= 0 and (end < 0 or crlf_end < end):
        end = crlf_end
    head = raw if end < 0 else raw[:end]
    lines = head.split(b"\n")
    notes: list[str] = []
    headers_after = [False] * (len(lines) + 1)
    for index in range(len(lines) - 1, -1, -1):
        headers_after[index] = headers_after[index + 1] or bool(_HEADER_LINE.match(lines[index]))
    repaired: list[bytes] = []
    for index, line in enumerate(lines):
        if index == 0 and line.startswith(b"From ") and not _SPACED_NAME.match(line):
            repaired.append(line)  # an mbox separator, skipped by the parser
            continue
        spaced = _SPACED_NAME.match(line)
        if spaced:
            line = spaced.group(1) + b":" + line[spaced.end() :]
            notes.append(f"A space before the colon of {spaced.group(1)[:60]!r} was read past.")
        elif (
            not _HEADER_LINE.match(line)
            and line[:1] not in (b" ", b"\t")
            and headers_after[index + 1]
            and line.strip()
        ):
            notes.append(f"A broken header line was skipped: {line[:80]!r}.")
            continue
        repaired.append(line)
    if not notes:
        return raw, []
    return b"\n".join(repaired) + (b"" if end < 0 else raw[end:]), notes


_UTF7 = re.compile(r"\+[A-Za-z0-9+/]{3,}-?")


def _utf7(text: str) -> str:
    """Raw UTF-7 (``Hej +AOQ-ndring``) read as the characters it spells."""
    if "+" not in text or not text.isascii():
        return text

    def decode(match: re.Match[str]) -> str:
        try:
            decoded = match.group(0).encode("ascii").decode("utf-7")
        except UnicodeDecodeError:
            return match.group(0)
        return decoded if decoded.isprintable() and not decoded.isascii() else match.group(0)

    return _UTF7.sub(decode, text)


def _display_name_only(message: Message) -> str:
    value = _raw_header(message, "From")[:HEADER_MAX_CHARS]
    name = email.utils.parseaddr(value)[0] or value.split("<", 1)[0]
    with contextlib.suppress(Exception):  # keep the name as written
        name = str(email.header.make_header(email.header.decode_header(name)))
    return re.sub(r"\s+", " ", name).strip().strip('"').strip()[:200]


def _without_nul(text: str, notes: list[str], what: str) -> str:
    if "\x00" not in text:
        return text
    notes.append(f"{text.count(chr(0))} NUL bytes in the {what} were replaced by \ufffd.")
    return text.replace("\x00", "\ufffd")


def _listed_names(parts: list[Message]) -> str:
    names = []
    for part in parts[:50]:
        header = " ".join(str(v) for k, v in part.raw_items() if k.lower().startswith("content-"))
        found = _FILENAME.search(header[:HEADER_MAX_CHARS])
        names.append(found.group(1).strip() if found else part.get_content_type())
    more = f" and {len(parts) - 50} more" if len(parts) > 50 else ""
    return ", ".join(names) + more


def parse(raw: bytes, *, max_attachments: int = ATTACHMENTS_MAX) -> ParsedMail:
    """Everything processing needs from a raw message; ``UnreadableMail`` if it is not one."""
    if not raw.strip():
        raise UnreadableMail("the message is empty")
    raw, notes = repair_header(raw)
    message = email.message_from_bytes(raw, policy=POLICY)
    assert isinstance(message, EmailMessage)
    if not any(True for _ in message.raw_items()):
        raise UnreadableMail("no header: this is not a mail message")
    senders = addresses(message, "From") or addresses(message, "Sender")
    if senders:
        from_name, from_address = senders[0]
    else:
        # ``From: "Name" <>``: the name is kept; the address comes from the envelope or
        # Reply-To when processing, and the sender is not verified.
        from_name, from_address = _display_name_only(message), ""
        if not from_name:
            raise UnreadableMail("no sender address in From")
        notes.append(f"From names {from_name!r} but no address: the sender is not verified.")

    plain_parts: list[str] = []
    html_parts: list[str] = []
    attachments: list[Part] = []
    leaves = _leaves(message)
    left: list[Message] = []
    for number, part in enumerate(leaves[:PARTS_MAX], start=1):
        content_type = part.get_content_type()
        if content_type in {"text/plain", "text/html"} and not _is_attachment(part):
            (plain_parts if content_type == "text/plain" else html_parts).append(_text_of(part))
            continue
        if content_type in {"message/delivery-status", "text/rfc822-headers"} or (
            part.is_multipart() and content_type != "message/rfc822"
        ):
            continue
        if len(attachments) >= max_attachments:
            left.append(part)
            continue
        data = _part_bytes(part)
        if not data:
            continue
        disposition = (part.get("Content-Disposition") or "").split(";")[0].strip().lower()
        attachments.append(
            Part(
                filename=_filename(part, number),
                content_type=content_type,
                data=data,
                content_id=header_text(part, "Content-ID").strip("<>"),
                inline=disposition == "inline" or bool(part.get("Content-ID")),
            )
        )
    left += leaves[PARTS_MAX:]
    if left:
        notes.append(
            f"{len(left)} more parts were not taken as attachments (at most "
            f"{max_attachments}); they stay in the raw message: {_listed_names(left)}."
        )
    html_source = _without_nul("\n".join(html_parts), notes, "HTML")
    text = _without_nul("\n\n".join(p.strip("\n") for p in plain_parts).strip(), notes, "text")
    if not text and html_source:
        text = html_to_text(html_source)
    subject = _utf7(_without_nul(header_text(message, "Subject"), notes, "subject"))
    raw_subject = sum(len(str(v)) for k, v in message.raw_items() if k.lower() == "subject")
    if raw_subject > HEADER_MAX_CHARS:
        notes.append(
            f"The subject of {raw_subject} characters was cut to {HEADER_MAX_CHARS} to read it."
        )
    return ParsedMail(
        message=message,
        message_id=normalise_message_id(header_text(message, "Message-ID")),
        in_reply_to=message_ids(_raw_header(message, "In-Reply-To")[: HEADER_MAX_CHARS * 4]),
        references=message_ids(_raw_header(message, "References")[: HEADER_MAX_CHARS * 4]),
        subject=subject,
        from_name=_without_nul(from_name, notes, "sender's name"),
        from_address=from_address,
        to=[a for _, a in addresses(message, "To")],
        cc=[a for _, a in addresses(message, "Cc")],
        delivered_to=[
            a
            for name in ("Delivered-To", "X-Original-To", "Envelope-To")
            for _, a in addresses(message, name)
        ],
        sent_at=_date(message),
        text=text.replace("\r\n", "\n"),
        html=sanitise(html_source) if html_source else "",
        language=header_text(message, "Content-Language")[:2].lower(),
        attachments=attachments,
        notes=notes,
    )


def peek(raw: bytes) -> dict[str, Any]:
    """Message-ID, subject, sender and date from the header alone, for the raw record."""
    header_end = raw.find(b"\r\n\r\n")
    if header_end < 0:
        header_end = raw.find(b"\n\n")
    head = raw if header_end < 0 else raw[: header_end + 2]
    head = repair_header(head[: HEADER_MAX_CHARS * 64])[0]
    message = email.message_from_bytes(head, policy=POLICY)
    assert isinstance(message, EmailMessage)
    senders = addresses(message, "From")
    return {
        "message_id": normalise_message_id(header_text(message, "Message-ID")),
        "subject": _utf7(header_text(message, "Subject"))[:250].replace("\x00", "\ufffd"),
        "from_address": senders[0][1][:254] if senders else "",
        "sent_at": _date(message),
    }
