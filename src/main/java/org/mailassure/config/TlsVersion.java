package org.mailassure.config;

import java.util.Arrays;

/**
 * The TLS versions mailassure may negotiate. Older ones are not representable: the gov.uk guidance
 * and RFC 8996 rule out TLS 1.0 and 1.1.
 */
public enum TlsVersion {
  TLS_1_2("TLSv1.2"),
  TLS_1_3("TLSv1.3");

  private final String protocol;

  TlsVersion(String protocol) {
    this.protocol = protocol;
  }

  /** The JSSE protocol name. */
  public String protocol() {
    return protocol;
  }

  /** The JSSE protocol names of this version and every newer one. */
  public String[] andNewer() {
    return Arrays.stream(values())
        .filter(v -> v.compareTo(this) >= 0)
        .map(TlsVersion::protocol)
        .toArray(String[]::new);
  }
}
