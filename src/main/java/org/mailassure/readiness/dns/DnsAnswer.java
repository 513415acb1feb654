package org.mailassure.readiness.dns;

import java.util.List;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;

/**
 * What one DNS question came to. "Absent" (NXDOMAIN, RFC 1035 section 4.1.1 RCODE 3, or NOERROR
 * with no data, RFC 2308 section 2.2) and "could not check" (timeout, SERVFAIL) are different
 * outcomes and are never confused: a check that cannot be made says so.
 */
public sealed interface DnsAnswer {
  /** Records of the asked type, and the CNAMEs followed to reach them (first the asked name's). */
  record Records(List<Record> records, List<Name> aliases) implements DnsAnswer {
    public Records {
      records = List.copyOf(records);
      aliases = List.copyOf(aliases);
    }
  }

  /** The name does not exist (NXDOMAIN). */
  record NoSuchDomain(List<Name> aliases) implements DnsAnswer {}

  /** The name exists but has no records of the type (NOERROR, no data). */
  record NoData(List<Name> aliases) implements DnsAnswer {}

  /**
   * The question could not be answered: timeout, SERVFAIL, refused; or, with {@code zoneFault}, the
   * answers came but cannot be followed (a CNAME chain that loops or never ends), which is the
   * zone's fault, not the resolver's.
   */
  record Failed(String reason, boolean zoneFault) implements DnsAnswer {
    public Failed(String reason) {
      this(reason, false);
    }
  }

  /** Whether this is NXDOMAIN or no data: the record is not published. */
  default boolean absent() {
    return this instanceof NoSuchDomain || this instanceof NoData;
  }
}
