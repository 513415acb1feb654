package org.mailassure.connectors;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;
import org.mailassure.config.Names;

/**
 * One mandatory-TLS connector's recipient domains, as the guidance asks: each entry a domain or a
 * {@code *.} wildcard; {@code gov.uk}, {@code *.gov.uk} and anything broader refused (many gov.uk
 * domains cannot do TLS yet, so forcing it would bounce their mail); duplicates and names a
 * wildcard already covers folded. Immutable.
 *
 * @param domains the folded, sorted set
 * @param refused entries not used, each with the reason
 */
public record ConnectorPlan(String name, List<String> domains, List<Refusal> refused) {

  /** An entry that was not used, and why. */
  public record Refusal(String entry, String reason) {}

  public ConnectorPlan {
    domains = List.copyOf(domains);
    refused = List.copyOf(refused);
  }

  /** Validates and folds the entries. */
  public static ConnectorPlan of(String name, List<String> entries) {
    Set<String> valid = new TreeSet<>();
    List<Refusal> refused = new ArrayList<>();
    for (String raw : entries) {
      String e = raw.strip().toLowerCase(Locale.ROOT);
      String base = e.startsWith("*.") ? e.substring(2) : e;
      if (Names.tooBroadForMandatoryTls(e)) {
        refused.add(
            new Refusal(
                raw,
                "the guidance says never to force TLS to all of gov.uk: many gov.uk domains "
                    + "cannot do TLS yet, and their mail would bounce"));
      } else if (!Names.isDomainName(base)) {
        refused.add(new Refusal(raw, "not a domain name or *.domain wildcard"));
      } else {
        valid.add(e);
      }
    }
    List<String> folded =
        valid.stream()
            .filter(d -> valid.stream().noneMatch(w -> !w.equals(d) && covers(w, d)))
            .sorted(Comparator.naturalOrder())
            .toList();
    return new ConnectorPlan(name, folded, refused);
  }

  /** Whether the wildcard {@code w} (Exchange: any depth of subdomain) covers {@code d}. */
  static boolean covers(String w, String d) {
    if (!w.startsWith("*.")) {
      return false;
    }
    String suffix = w.substring(1);
    String base = d.startsWith("*.") ? d.substring(1) : "." + d;
    return base.endsWith(suffix) && !base.equals(suffix);
  }

  /** The change from a current list: what to add and what to remove. */
  public record Change(List<String> added, List<String> removed) {}

  public Change against(List<String> current) {
    Set<String> now = new TreeSet<>();
    current.forEach(c -> now.add(c.strip().toLowerCase(Locale.ROOT)));
    Set<String> want = new TreeSet<>(domains);
    return new Change(
        want.stream().filter(d -> !now.contains(d)).toList(),
        now.stream().filter(d -> !want.contains(d)).toList());
  }
}
