package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The Organizational Domain (RFC 7489 section 3.2) that DMARC's inheritance and its external report
 * destinations rest on, for names shaped as UK public-sector domains are (gov.uk, nhs.uk,
 * police.uk, the wildcard *.sch.uk, ac.uk, the devolved administrations' and parliament's) and a
 * few others: mailassure's, from the Public Suffix List crawler-commons carries, against libpsl's
 * (Debian's psl, a C implementation with the list Debian ships), name by name.
 */
class PublicSuffixDifferentialTest {
  private static final Path PSL = Path.of("/usr/bin/psl");

  private static final List<String> NAMES =
      List.of(
          "example.gov.uk",
          "sub.example.gov.uk",
          "a.b.example.gov.uk",
          "gov.uk",
          "uk",
          "trust.nhs.uk",
          "mail.trust.nhs.uk",
          "nhs.uk",
          "nhs.net",
          "x.nhs.net",
          "force.police.uk",
          "a.force.police.uk",
          "school.sch.uk",
          "school.lea.sch.uk",
          "a.school.lea.sch.uk",
          "uni.ac.uk",
          "dept.uni.ac.uk",
          "x.mod.uk",
          "x.parliament.uk",
          "mygov.gov.scot",
          "a.mygov.gov.scot",
          "x.gov.wales",
          "x.llyw.cymru",
          "council.org.uk",
          "firm.co.uk",
          "a.firm.co.uk",
          "firm.ltd.uk",
          "name.me.uk",
          "x.hscni.net",
          "agency.gov.uk",
          "example.com",
          "a.example.com",
          "bücher.example",
          "xn--bcher-kva.example",
          "a.b.example.newtld",
          "newtld",
          "example.org.",
          "EXAMPLE.GOV.UK");

  @Test
  void mailassuresOrganisationalDomainIsLibpslsRegistrableDomain() throws Exception {
    Assumptions.assumeTrue(Files.isExecutable(PSL), "psl (Debian's psl package) is not installed");
    // libpsl takes names in lower case and keeps a final dot; DNS names are case-insensitive (RFC
    // 4343) and the final dot is the root, not a label, so both are given to it as names.
    List<String> command = new ArrayList<>(List.of(PSL.toString(), "--print-reg-domain"));
    NAMES.forEach(n -> command.add(n.toLowerCase(java.util.Locale.ROOT).replaceFirst("\\.$", "")));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    List<String> lines = out.lines().toList();
    assertThat(lines).hasSize(NAMES.size());

    Map<String, String> apart = new LinkedHashMap<>();
    for (int i = 0; i < NAMES.size(); i++) {
      String line = lines.get(i);
      String theirs = line.substring(line.lastIndexOf(": ") + 2);
      theirs = theirs.equals("(null)") ? null : theirs;
      String mine = DmarcCheck.organisationalDomain(NAMES.get(i));
      if (!java.util.Objects.equals(mine, theirs)) {
        apart.put(NAMES.get(i), "mailassure " + mine + ", libpsl " + theirs);
      }
    }
    apart.forEach((k, v) -> System.out.println(k + " => " + v));
    assertThat(apart).isEmpty();
  }
}
