package org.mailassure.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Syntax of domain names (RFC 1035 section 2.3.1 as relaxed by RFC 1123) and addresses (RFC 5321
 * dot-atom).
 */
public final class Names {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final Pattern LOCAL_PART =
      Pattern.compile("[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*");

  private Names() {}

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
      if (!LABEL.matcher(label).matches()) {
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
      if (!LABEL.matcher(label).matches()) {
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
        && LOCAL_PART.matcher(address.substring(0, at)).matches()
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
