# Reads each message with Python's own email package (the standard library's RFC 5322 and RFC 2047
# parser, policy.default) and prints, a line per message, the Subject it decodes, base64-encoded,
# then a tab and the defects it found in the message and its fields ("-" when none). Reads one
# message a line, base64-encoded, on stdin. Test fixture only.
import base64
import email
import email.policy
import sys

for line in sys.stdin:
    raw = base64.b64decode(line.strip())
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    defects = [type(d).__name__ for d in msg.defects]
    for name in msg.keys():
        defects += [name + ":" + type(d).__name__ for d in msg[name].defects]
    for name in ("Date", "From", "To", "Message-ID", "Subject", "MIME-Version"):
        if msg[name] is None:
            defects.append("missing:" + name)
    if msg["Date"] is not None and msg["Date"].datetime is None:
        defects.append("Date:unreadable")
    for number, text in enumerate(raw.split(b"\r\n"), 1):
        if len(text) > 998:
            defects.append("line %d longer than 998" % number)
    subject = str(msg["Subject"]) if msg["Subject"] is not None else ""
    print(base64.b64encode(subject.encode("utf-8")).decode("ascii") + "\t" + (" ".join(defects) or "-"))
