# Asks pyspf (Debian's python3-spf) to expand RFC 7208 macro-strings: reads lines
# "sender<TAB>domain<TAB>macro-string" on stdin, for client 203.0.113.77 and HELO name the
# sender's domain, and prints the expansion, or "!error" when pyspf refuses it, a line each. Test
# fixture only.
import sys

import spf

for line in sys.stdin:
    sender, domain, spec = line.rstrip("\n").split("\t")
    q = spf.query(i="203.0.113.77", s=sender, h=sender.rsplit("@", 1)[1])
    q.d = domain
    try:
        print(q.expand(spec, stripdot=False))
    except Exception:
        print("!error")
