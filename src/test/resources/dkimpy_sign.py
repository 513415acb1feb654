# Signs messages with dkimpy (Debian's python3-dkim, an independent RFC 6376 / RFC 8463
# implementation). Arguments: the RSA private key file (PEM), the Ed25519 private key's 32-byte
# seed in base64, the signing domain. Reads lines "algorithm<TAB>header-c/body-c<TAB>base64
# message" on stdin (algorithm rsa or ed25519); prints each signed message in base64, or "!error",
# a line each. Selectors: rsa1 and ed1. Test fixture only.
import base64
import sys

import dkim

rsa_file, ed_seed, domain = sys.argv[1], sys.argv[2].encode(), sys.argv[3].encode()
with open(rsa_file, "rb") as f:
    rsa_key = f.read()
for line in sys.stdin:
    algorithm, canon, encoded = line.rstrip("\n").split("\t")
    message = base64.b64decode(encoded)
    header_c, body_c = (c.encode() for c in canon.split("/"))
    try:
        if algorithm == "rsa":
            sig = dkim.sign(message, b"rsa1", domain, rsa_key, canonicalize=(header_c, body_c),
                            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        else:
            sig = dkim.sign(message, b"ed1", domain, ed_seed, canonicalize=(header_c, body_c),
                            signature_algorithm=b"ed25519-sha256",
                            include_headers=[b"from", b"to", b"subject", b"date", b"message-id"])
        print(base64.b64encode(sig + message).decode())
    except Exception as e:
        print("!error " + str(e).replace("\n", " "))
