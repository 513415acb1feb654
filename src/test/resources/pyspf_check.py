# Asks pyspf (Debian's python3-spf, an independent RFC 7208 implementation) for check_host() of
# each domain, for mail from the given client address, against the DNS server on 127.0.0.1:PORT.
# Prints "domain<TAB>result" a line. Test fixture only.
import sys

import DNS
import spf

port = int(sys.argv[1])
ip = sys.argv[2]
DNS.defaults["server"] = ["127.0.0.1"]
DNS.defaults["port"] = port
# pyspf prefers dnspython when it is installed (python3-dkim brings it), which asks the system's
# resolvers; the loopback server is pydns's to ask.
spf.DNS = DNS
spf.DNSLookup = spf.DNSLookup_pydns
for domain in sys.argv[3:]:
    result, _ = spf.check2(i=ip, s="postmaster@" + domain, h=domain)
    print(domain + "\t" + result)
