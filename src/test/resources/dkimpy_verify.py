# Asks dkimpy (Debian's python3-dkim, an independent RFC 6376 implementation) whether a message it
# signs with the given private key verifies against each candidate key record: the record is what
# its DNS lookup of SELECTOR._domainkey.DOMAIN returns. Reads one record a line, base64-encoded,
# on stdin; prints "pass" or "fail" a line, in order. Test fixture only.
import base64
import sys

import dkim

key_file, domain, selector = sys.argv[1], sys.argv[2], sys.argv[3]
message = (
    b"From: probe@" + domain.encode() + b"\r\nTo: check@example.org\r\n"
    b"Subject: key record check\r\n\r\nhello\r\n"
)
with open(key_file, "rb") as f:
    key = f.read()
signed = dkim.sign(
    message, selector.encode(), domain.encode(), key, include_headers=[b"from", b"to", b"subject"]
) + message
for line in sys.stdin:
    record = base64.b64decode(line.strip()).decode("utf-8")
    try:
        ok = dkim.DKIM(signed).verify(dnsfunc=lambda name, timeout=5: record)
    except Exception:  # a record dkimpy cannot read is one it cannot verify with
        ok = False
    print("pass" if ok else "fail")
