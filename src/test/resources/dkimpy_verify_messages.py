# Asks dkimpy (Debian's python3-dkim, an independent RFC 6376 / RFC 8463 implementation) to verify
# every DKIM-Signature of each message. Arguments: selector=record pairs (the TXT record each
# selector's DNS lookup returns). Reads one message a line, base64-encoded, on stdin; prints, a line
# per message, "pass" or "fail" for each of its signatures, in order. Test fixture only.
import base64
import sys

import dkim

records = dict(a.split("=", 1) for a in sys.argv[1:])


def lookup(name, timeout=5):
    if isinstance(name, bytes):
        name = name.decode("ascii")
    return records.get(name.split("._domainkey.")[0], "")


for line in sys.stdin:
    message = base64.b64decode(line.strip())
    count = message.count(b"DKIM-Signature:")
    results = []
    for i in range(count):
        try:
            ok = dkim.DKIM(message).verify(idx=i, dnsfunc=lookup)
        except Exception:
            ok = False
        results.append("pass" if ok else "fail")
    print(" ".join(results) if results else "none")
