"""Mask personal data in text objects read through an Object FC Access Point.

A Function Compute python3.10 handler. It applies the same rules as the Go
mask example (examples/functions/mask/rules.go), and both are tested against
the vectors in examples/functions/mask/testdata/vectors.json:

* e-mail addresses: the first character of the local part stays, the rest of
  the local part becomes '*', the domain stays;
* mobile numbers of mainland China (11 digits starting 13 to 19, "+86"
  allowed): the first 3 and last 4 digits stay;
* resident identity card numbers of mainland China (18 characters with a
  valid check character, X allowed): the first 3 and last 4 stay;
* payment card numbers (13 to 19 digits, valid Luhn check): the last 4 stay;
* international numbers ('+' and 8 to 15 digits): the last 4 digits stay.

Masking keeps the length and every separator, so CSV and JSON stay valid and
the object streams through. A Range request is served by masking the range
with CONTEXT bytes on each side, which gives the same bytes as masking the
whole object.

The WriteGetObjectResponse request is signed with signature V1 using only
the standard library, because the oss2 package may not be installable where
the function is built.
"""

import base64
import email.utils
import hashlib
import hmac
import http.client
import json
import re
import urllib.error
import urllib.parse
import urllib.request
from xml.sax.saxutils import escape

# How many bytes on each side of a byte decide whether it is masked.
CONTEXT = 1024
# How many bytes are masked at a time when streaming.
BLOCK_SIZE = 64 * 1024

MAX_NUMBER_DIGITS = 19
MAX_NUMBER_BYTES = 40
MAX_LOCAL_PART = 64
MAX_DOMAIN_RUN = 255
MAX_JSON_SPACE = 64

_CHAIN = re.compile(rb"[0-9]+(?:[ -][0-9]+)*")
_GROUP = re.compile(rb"[0-9]+")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)

_DIGIT, _X, _x, _PLUS, _DOT = ord("0"), ord("X"), ord("x"), ord("+"), ord(".")


def _is_digit(b):
    return 48 <= b <= 57


def _is_letter(b):
    return 65 <= b <= 90 or 97 <= b <= 122


def _is_word(b):
    return _is_digit(b) or _is_letter(b)


def mask_block(src, json_mode):
    """Return src (bytes) with every sensitive value masked, as bytes."""
    dst = bytearray(src)
    _mask_numbers(dst, src, json_mode)
    _mask_emails(dst, src)
    return bytes(dst)


def _mask_numbers(dst, src, json_mode):
    for chain in _CHAIN.finditer(src):
        groups = [(chain.start() + g.start(), chain.start() + g.end()) for g in _GROUP.finditer(chain.group())]
        if not _mask_chain(dst, src, groups, json_mode) and len(groups) > 1:
            for start, end in groups:
                _mask_token(dst, src, start, end, False, False, 0, json_mode)


def _mask_chain(dst, src, groups, json_mode):
    start, end = groups[0][0], groups[-1][1]
    plus = start > 0 and src[start - 1] == _PLUS and (start == 1 or not _is_word(src[start - 2]))
    check = end < len(src) and src[end] in (_X, _x)
    if plus:
        start -= 1
    if check:
        end += 1
    return _mask_token(dst, src, start, end, plus, check, len(groups) - 1, json_mode)


def _mask_token(dst, src, start, end, plus, check, separators, json_mode):
    if end - start > MAX_NUMBER_BYTES or not _stands_alone(src, start, end):
        return False
    value = bytes(b for b in src[start:end] if _is_digit(b) or b in (_X, _x))
    kept = _classify(value, plus, check, separators)
    if kept is None:
        return False
    keep_head, keep_tail = kept

    # A bare JSON number must stay a number: '0' instead of '*', first digit kept.
    mask = ord("*")
    if json_mode and not plus and not check and separators == 0 and _is_bare_json_number(src, start, end):
        mask = _DIGIT
        keep_head = max(keep_head, 1)

    index = 0
    for i in range(start, end):
        b = src[i]
        if not (_is_digit(b) or b in (_X, _x)):
            continue
        if keep_head <= index < len(value) - keep_tail and _is_digit(b):
            dst[i] = mask
        index += 1
    return True


def _stands_alone(src, start, end):
    if start > 0:
        before = src[start - 1]
        if _is_word(before) or before == _PLUS or (before == _DOT and start >= 2 and _is_digit(src[start - 2])):
            return False
    if end < len(src):
        after = src[end]
        if _is_word(after) or (after == _DOT and end + 1 < len(src) and _is_digit(src[end + 1])):
            return False
    return True


def _classify(value, plus, check, separators):
    """Return (keep_head, keep_tail) for a sensitive number, else None."""
    n = len(value)
    if n > MAX_NUMBER_DIGITS + 1:
        return None
    if not plus and separators == 0 and n == 18 and _valid_id_number(value):
        return 3, 4
    if check:
        return None
    if not plus and n == 11 and _is_china_mobile(value):
        return 3, 4
    if plus and n == 13 and value[:2] == b"86" and _is_china_mobile(value[2:]):
        return 5, 4
    if not plus and 13 <= n <= MAX_NUMBER_DIGITS and _valid_luhn(value):
        return 0, 4
    if plus and 8 <= n <= 15:
        return 0, 4
    return None


def _is_china_mobile(d):
    return len(d) == 11 and d[0] == ord("1") and ord("3") <= d[1] <= ord("9")


def _valid_id_number(value):
    if not all(_is_digit(b) for b in value[:17]):
        return False
    total = sum((b - _DIGIT) * w for b, w in zip(value[:17], _ID_WEIGHTS))
    return b"10X98765432"[total % 11] == value[17:18].upper()[0]


def _valid_luhn(digits):
    total = 0
    for i, b in enumerate(reversed(digits)):
        if not _is_digit(b):
            return False
        d = b - _DIGIT
        if i % 2 == 1:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def _is_bare_json_number(src, start, end):
    i = start - 1
    while i >= 0 and start - 1 - i < MAX_JSON_SPACE and src[i] in b" \t\n\r":
        i -= 1
    if i < 0 or src[i] not in b":[,":
        return False
    j = end
    while j < len(src) and j - end < MAX_JSON_SPACE and src[j] in b" \t\n\r":
        j += 1
    return j < len(src) and src[j] in b",]}"


def _is_local_char(b):
    return _is_word(b) or b in b"._%+-"


def _is_domain_char(b):
    return _is_word(b) or b in b".-"


def _mask_emails(dst, src):
    at = src.find(b"@")
    while at >= 0:
        _mask_email_at(dst, src, at)
        at = src.find(b"@", at + 1)


def _mask_email_at(dst, src, at):
    local_start = at
    while local_start > 0 and _is_local_char(src[local_start - 1]) and at - local_start <= MAX_LOCAL_PART:
        local_start -= 1
    if not 1 <= at - local_start <= MAX_LOCAL_PART:
        return
    domain_end = at + 1
    while domain_end < len(src) and _is_domain_char(src[domain_end]) and domain_end - (at + 1) <= MAX_DOMAIN_RUN:
        domain_end += 1
    if domain_end - (at + 1) > MAX_DOMAIN_RUN:
        return
    while domain_end > at + 1 and src[domain_end - 1] in b".-":
        domain_end -= 1
    if not _valid_domain(src[at + 1:domain_end]):
        return
    for i in range(local_start + 1, at):
        dst[i] = ord("*")


def _valid_domain(domain):
    labels = domain.split(b".")
    if len(labels) < 2 or any(not label for label in labels):
        return False
    tld = labels[-1]
    return len(tld) >= 2 and all(_is_letter(b) for b in tld)


def mask_stream(read, json_mode):
    """Yield the masked bytes of the stream read(n) returns, in blocks."""
    buf = b""
    emitted = 0
    eof = False
    while True:
        while not eof and len(buf) - emitted < BLOCK_SIZE + CONTEXT:
            chunk = read(BLOCK_SIZE + 2 * CONTEXT - len(buf))
            if chunk:
                buf += chunk
            else:
                eof = True
        ready = len(buf) if eof else len(buf) - CONTEXT
        masked = mask_block(buf, json_mode)
        if ready > emitted:
            yield masked[emitted:ready]
        if eof:
            return
        keep = max(0, ready - CONTEXT)
        buf = buf[keep:]
        emitted = ready - keep


# --- Range requests -------------------------------------------------------

def parse_range(header):
    """Return (first, last, suffix) of a single byte range, or None to ignore
    the header as OSS does. last is None for "first-"; first is None for
    "-suffix"."""
    spec = (header or "").strip()
    if not spec.startswith("bytes=") or "," in spec:
        return None
    first, sep, last = spec[len("bytes="):].strip().partition("-")
    if not sep:
        return None
    try:
        if first == "":
            suffix = int(last)
            return (None, None, suffix) if suffix > 0 else None
        first = int(first)
        if first < 0:
            return None
        if last == "":
            return first, None, None
        last = int(last)
        return (first, last, None) if last >= first else None
    except ValueError:
        return None


def _window(rng):
    first, last, suffix = rng
    if first is None:
        return "bytes=-%d" % (suffix + CONTEXT)
    if last is None:
        return "bytes=%d-" % max(0, first - CONTEXT)
    return "bytes=%d-%d" % (max(0, first - CONTEXT), last + CONTEXT)


def _resolve(rng, size):
    first, last, suffix = rng
    if size <= 0:
        return None
    if first is None:
        return max(0, size - suffix), size - 1
    if first >= size:
        return None
    if last is None:
        return first, size - 1
    return first, min(last, size - 1)


# --- Function Compute handler --------------------------------------------

class SourceError(Exception):
    def __init__(self, status, code, message):
        super().__init__("%d %s: %s" % (status, code, message))
        self.status, self.code, self.message = status, code, message


def _open_source(url, headers):
    request = urllib.request.Request(url, headers=dict(headers, **{"Accept-Encoding": "identity"}))
    try:
        return urllib.request.urlopen(request)
    except urllib.error.HTTPError as err:
        body = err.read(64 * 1024).decode("utf-8", "replace")
        code = re.search(r"<Code>(.*?)</Code>", body)
        message = re.search(r"<Message>(.*?)</Message>", body)
        raise SourceError(err.code, code.group(1) if code else "", message.group(1) if message else "")


def _is_json(key_path, content_type):
    path = urllib.parse.urlparse(key_path).path.lower()
    return "json" in (content_type or "").lower() or path.endswith((".json", ".jsonl", ".ndjson"))


def _caller_header(event, name):
    for key, value in (event.get("userRequest", {}).get("headers") or {}).items():
        if key.lower() == name.lower():
            return value
    return ""


class Output:
    """Sends WriteGetObjectResponse, signed with signature V1."""

    FORWARDABLE = {200, 206, 301, 302, 303, 304, 400, 401, 403, 404, 405, 409, 411, 412, 416, 500, 503}

    def __init__(self, event, credentials):
        goc = event["getObjectContext"]
        self.route, self.token = goc["outputRoute"], goc["outputToken"]
        self.request_id = event.get("xOssRequestId", "")
        self.credentials = credentials

    def write(self, status, fwd_headers, body, length):
        """Send status, headers (name -> value) and body (bytes or an
        iterable of bytes). length None sends the body chunked."""
        endpoint = self.route if "://" in self.route else "https://" + self.route
        url = urllib.parse.urlparse(endpoint)
        date = email.utils.formatdate(usegmt=True)
        content_type = "application/octet-stream"
        headers = {
            "Date": date,
            "Content-Type": content_type,
            "x-oss-request-route": self.route,
            "x-oss-request-token": self.token,
            "x-oss-fwd-status": str(status),
        }
        if self.credentials.security_token:
            headers["x-oss-security-token"] = self.credentials.security_token
        for name, value in fwd_headers.items():
            headers["x-oss-fwd-header-" + name] = value
        if length is not None:
            headers["Content-Length"] = str(length)

        # V1: HMAC-SHA1 over the verb, Content-MD5 (none), Content-Type, Date,
        # the x-oss-* headers (lower-case, sorted) and the resource.
        oss_headers = sorted((k.lower(), v.strip()) for k, v in headers.items() if k.lower().startswith("x-oss-"))
        string_to_sign = "POST\n\n%s\n%s\n%s/?x-oss-write-get-object-response" % (
            content_type, date, "".join("%s:%s\n" % kv for kv in oss_headers))
        signature = base64.b64encode(hmac.new(self.credentials.access_key_secret.encode(),
                                              string_to_sign.encode(), hashlib.sha1).digest()).decode()
        headers["Authorization"] = "OSS %s:%s" % (self.credentials.access_key_id, signature)

        connection_class = http.client.HTTPSConnection if url.scheme == "https" else http.client.HTTPConnection
        conn = connection_class(url.hostname, url.port)
        try:
            conn.request("POST", "/?x-oss-write-get-object-response", body=body, headers=headers,
                         encode_chunked=length is None)
            resp = conn.getresponse()
            data = resp.read()
            if resp.status // 100 != 2:
                raise RuntimeError("WriteGetObjectResponse failed with %d: %s" % (resp.status, data[:1000]))
        finally:
            conn.close()

    def write_error(self, status, code, message):
        doc = ('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>%s</Code><Message>%s</Message>'
               "<RequestId>%s</RequestId></Error>" % (escape(code), escape(message), escape(self.request_id))).encode()
        self.write(status, {"Content-Type": "application/xml"}, doc, len(doc))

    def write_source_error(self, err):
        if err.status == 304:
            self.write(304, {}, b"", 0)
            return
        status = err.status
        if status not in self.FORWARDABLE:
            status = 503 if status >= 500 else 400
        code = err.code or "InvalidRequest"
        message = err.message or "Reading the original object failed with HTTP status %d." % err.status
        self.write_error(status, code, message)


def _response_headers(source):
    headers = {"Accept-Ranges": "bytes"}
    for name in ("Content-Type", "Last-Modified", "Cache-Control", "Content-Disposition", "Content-Language"):
        value = source.headers.get(name)
        if value:
            headers[name] = value
    return headers


def handler(event, context):
    event = json.loads(event)
    out = Output(event, context.credentials)
    input_url = event["getObjectContext"]["inputOssUrl"]
    user_url = event.get("userRequest", {}).get("url", "")

    rng = parse_range(_caller_header(event, "Range"))
    try:
        source = _open_source(input_url, {"Range": _window(rng)} if rng else {})
    except SourceError as err:
        out.write_source_error(err)
        return
    with source:
        json_mode = _is_json(user_url, source.headers.get("Content-Type"))
        headers = _response_headers(source)
        length = source.headers.get("Content-Length")
        length = int(length) if length is not None else None
        if rng is None:
            out.write(200, headers, mask_stream(source.read, json_mode), length)
            return

        start, end, size = 0, (length or 0) - 1, length or 0
        if source.status == 206:
            match = re.fullmatch(r"bytes (\d+)-(\d+)/(\d+)", source.headers.get("Content-Range", ""))
            if not match:
                out.write_error(500, "InternalError", "The original object returned an invalid Content-Range.")
                return
            start, end, size = (int(g) for g in match.groups())
        resolved = _resolve(rng, size)
        if resolved is None:
            out.write_error(416, "InvalidRange", "The requested range cannot be satisfied: the object has %d bytes." % size)
            return
        first, last = resolved
        headers["Content-Range"] = "bytes %d-%d/%d" % (first, last, size)
        out.write(206, headers, _trim(mask_stream(source.read, json_mode), first - start, last - first + 1),
                  last - first + 1)


def _trim(chunks, skip, count):
    """Yield count bytes of chunks after skipping skip bytes."""
    for chunk in chunks:
        if skip >= len(chunk):
            skip -= len(chunk)
            continue
        chunk = chunk[skip:skip + count]
        skip = 0
        count -= len(chunk)
        if chunk:
            yield chunk
        if count == 0:
            return
