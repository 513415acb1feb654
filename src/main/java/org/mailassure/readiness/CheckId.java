package org.mailassure.readiness;

import java.util.Locale;

/** The checks of SPEC.md's table, in the order they are reported. */
public enum CheckId {
  MX("mx"),
  SPF("spf"),
  DMARC("dmarc"),
  DKIM("dkim"),
  MTA_STS("mta-sts"),
  TLS_RPT("tls-rpt"),
  SMTP_TLS("smtp-tls"),
  RULE("rule"),
  PROBE("probe");

  private final String id;

  CheckId(String id) {
    this.id = id;
  }

  public String id() {
    return id;
  }

  /** The check with this id, or null. */
  public static CheckId of(String id) {
    for (CheckId c : values()) {
      if (c.id.equals(id.strip().toLowerCase(Locale.ROOT))) {
        return c;
      }
    }
    return null;
  }
}
