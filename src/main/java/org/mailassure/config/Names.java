package org.mailassure.config;

import java.util.Locale;

/**
 * Syntax of domain names (RFC 1035 section 2.3.1 as relaxed by RFC 1123) and addresses (RFC 5321
 * dot-atom).
 *
 * <p>Checked character by character, not with regular expressions: every domain of a config comes
 * here, and the first regular expression of a run costs milliseconds of start-up (README,
 * Benchmarks). {@code HandWrittenSyntaxTest} holds each check to the expression it stands for.
 */
public final class Names {
  private Names() {}

  /** {@code [a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?}: a lower-case DNS label (RFC 1123 section 2.1). */
  static boolean isLabel(String label) {
    int n = label.length();
    if (n == 0 || n > 63 || label.charAt(0) == '-' || label.charAt(n - 1) == '-') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = label.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) {
        return false;
      }
    }
    return true;
  }

  /**
   * {@code atext+ ("." atext+)*}: RFC 5321's dot-atom local part, atext being letters, digits and
   * {@code !#$%&'*+/=?^_`{|}~-} (RFC 5322 section 3.2.3).
   */
  static boolean isLocalPart(String local) {
    int n = local.length();
    if (n == 0 || local.charAt(0) == '.' || local.charAt(n - 1) == '.') {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = local.charAt(i);
      if (c == '.') {
        if (local.charAt(i - 1) == '.') {
          return false;
        }
      } else if (!isAtext(c)) {
        return false;
      }
    }
    return true;
  }

  /** {@code \d{1,3}(\.\d{1,3}){3}}: four groups of one to three digits, an IPv4 address's form. */
  static boolean isDottedQuad(String text) {
    String[] parts = text.split("\\.", -1);
    if (parts.length != 4) {
      return false;
    }
    for (String part : parts) {
      if (part.isEmpty() || part.length() > 3) {
        return false;
      }
      for (int i = 0; i < part.length(); i++) {
        if (part.charAt(i) < '0' || part.charAt(i) > '9') {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean isAtext(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || "!#$%&'*+/=?^_`{|}~-".indexOf(c) >= 0;
  }

  /** Whether the text is a fully qualified host or domain name of at least two labels. */
  public static boolean isDomainName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    if (n.length() > 253 || n.endsWith(".")) {
      return false;
    }
    String[] labels = n.split("\\.", -1);
    if (labels.length < 2) {
      return false;
    }
    for (String label : labels) {
      if (!isLabel(label)) {
        return false;
      }
    }
    String last = labels[labels.length - 1];
    for (int i = 0; i < last.length(); i++) {
      if (!Character.isDigit(last.charAt(i))) {
        return true;
      }
    }
    return false; // a top-level domain is never all digits (RFC 3696 section 2)
  }

  /**
   * What to write instead of a name {@link #isDomainName} refused, when the fix is mechanical: the
   * name without its final dot, or an internationalised name's A-label form (RFC 5890), which is
   * what DNS and mail headers carry; empty otherwise.
   */
  public static String instead(String name) {
    String n = name.strip();
    if (n.length() > 1 && n.endsWith(".") && isDomainName(n.substring(0, n.length() - 1))) {
      return n.substring(0, n.length() - 1);
    }
    if (n.chars().anyMatch(c -> c > 127)) {
      try {
        String ascii = java.net.IDN.toASCII(n, java.net.IDN.USE_STD3_ASCII_RULES);
        return isDomainName(ascii) ? ascii.toLowerCase(Locale.ROOT) : "";
      } catch (IllegalArgumentException notIdn) {
        return "";
      }
    }
    return "";
  }

  /**
   * Whether a URL's host ({@link java.net.URI#getHost()}, which keeps an IPv6 literal's brackets)
   * is this machine's loopback address, by name or number: where plain http or a database without
   * TLS crosses no network.
   */
  public static boolean isLoopback(String host) {
    return host != null
        && (host.equals("127.0.0.1") || host.equals("[::1]") || host.equalsIgnoreCase("localhost"));
  }

  /** Whether the text is a DKIM selector: one or more DNS labels (RFC 6376 section 3.1). */
  public static boolean isSelector(String selector) {
    for (String label : selector.toLowerCase(Locale.ROOT).split("\\.", -1)) {
      if (!isLabel(label)) {
        return false;
      }
    }
    return true;
  }

  /** Whether the text is a plain address {@code local@domain.name}, without display name. */
  public static boolean isAddress(String address) {
    int at = address.lastIndexOf('@');
    return at > 0
        && at <= 64
        && isLocalPart(address.substring(0, at))
        && isDomainName(address.substring(at + 1));
  }

  /** The lower-cased domain of an address. */
  public static String domainOf(String address) {
    return address.substring(address.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT);
  }

  /**
   * Whether a mandatory-TLS connector entry covers all of gov.uk or more ({@code gov.uk}, {@code
   * *.gov.uk}, {@code uk}, {@code *}): the guidance says never to force TLS to all of gov.uk, since
   * many gov.uk domains cannot do TLS yet and their mail would bounce.
   */
  public static boolean tooBroadForMandatoryTls(String entry) {
    String e = entry.strip().toLowerCase(java.util.Locale.ROOT);
    String base = e.startsWith("*.") ? e.substring(2) : e;
    return e.equals("*") || base.equals("gov.uk") || base.equals("uk");
  }
}
