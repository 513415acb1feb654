package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigLoader;
import org.mailassure.probe.ProbeMessage;
import org.mailassure.probe.dkim.DkimSigner;
import org.mailassure.probe.dkim.DkimVerifier;
import org.mailassure.readiness.dns.DnsClient;
import org.mailassure.testing.LoopbackDns;

/** dkim keygen: the key file, the record, and a round trip through a published record. */
class DkimKeygenTest {
  @TempDir Path dir;

  private JsonNode keygen(String... extra) throws Exception {
    String[] args = new String[4 + extra.length + 1];
    args[0] = "dkim";
    args[1] = "keygen";
    args[2] = "--domain";
    args[3] = "example.gov.uk";
    System.arraycopy(extra, 0, args, 4, extra.length);
    args[args.length - 1] = "--json";
    CliRun r = CliRun.of(dir, args);
    assertThat(r.exitCode()).as(r.err()).isZero();
    return new ObjectMapper().readTree(r.out());
  }

  @Test
  void theKeyIsWrittenOwnerOnlyAndNeverOverwritten() throws Exception {
    JsonNode out = keygen("--selector", "mailassure1");
    Path key = Path.of(out.get("private_key_file").asText());
    assertThat(key).isEqualTo(dir.resolve("example.gov.uk-mailassure1.pem"));
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");

    CliRun again =
        CliRun.of(dir, "dkim", "keygen", "--domain", "example.gov.uk", "--selector", "mailassure1");
    assertThat(again.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(again.err()).contains("already exists").contains("never overwrites");
  }

  @Test
  void theRecordIsSplitInto255ByteStringsAndTheTextShowsZoneAndConfig() {
    CliRun r =
        CliRun.of(
            dir,
            "dkim",
            "keygen",
            "--domain",
            "example.gov.uk",
            "--selector",
            "s2048",
            "--bits",
            "4096");
    assertThat(r.exitCode()).isZero();
    String zone =
        r.out()
            .lines()
            .filter(l -> l.startsWith("s2048._domainkey.example.gov.uk. 3600 IN TXT"))
            .findFirst()
            .orElseThrow();
    List<String> strings =
        java.util.Arrays.stream(zone.substring(zone.indexOf('"')).split("\" \""))
            .map(s -> s.replace("\"", ""))
            .toList();
    assertThat(strings)
        .hasSizeGreaterThan(1)
        .allSatisfy(s -> assertThat(s.length()).isLessThanOrEqualTo(255));
    assertThat(String.join("", strings)).startsWith("v=DKIM1; k=rsa; p=");
    assertThat(r.out())
        .contains(
            "    dkim:\n      - selector: s2048\n        private-key-file: "
                + dir.resolve("example.gov.uk-s2048.pem"));
  }

  @Test
  void aNameServersZoneParserReadsTheZoneLineAsTheRecordToPublish() throws Exception {
    // Net::DNS (Debian's libnet-dns-perl) parses the line as a zone file's: RFC 1035 section 5.1's
    // quoted character-strings, each at most 255 octets (section 3.3), joined as one key record
    // (RFC 6376 section 3.6.2.2).
    org.mailassure.testing.Perl.assumeModule("Net::DNS::RR", "Net::DNS (Debian's libnet-dns-perl)");
    for (String[] key : new String[][] {{"rsa", "4096"}, {"rsa", "2048"}, {"ed25519", null}}) {
      String selector = "z" + key[0] + (key[1] == null ? "" : key[1]);
      List<String> args =
          new java.util.ArrayList<>(List.of("dkim keygen --domain example.gov.uk".split(" ")));
      args.addAll(List.of("--selector", selector, "--type", key[0]));
      if (key[1] != null) {
        args.addAll(List.of("--bits", key[1]));
      }
      CliRun text =
          CliRun.of(
              Files.createDirectories(dir.resolve(selector + "-text")),
              args.toArray(String[]::new));
      assertThat(text.exitCode()).as(text.err()).isZero();
      String zone =
          text.out()
              .lines()
              .filter(l -> l.startsWith(selector + "._domainkey."))
              .findFirst()
              .orElseThrow();
      Path lines = Files.writeString(dir.resolve(selector + ".zone"), zone + "\n");

      String[] parsed = org.mailassure.testing.Perl.run(lines, "zone_txt.pl").get(0).split("\t");

      assertThat(parsed[0]).isEqualTo(selector + "._domainkey.example.gov.uk");
      assertThat(parsed[1]).isEqualTo("3600");
      assertThat(parsed[2] + " " + parsed[3]).isEqualTo("IN TXT");
      assertThat(Integer.parseInt(parsed[5])).isLessThanOrEqualTo(255);
      String record =
          new String(
              java.util.Base64.getDecoder().decode(parsed[6]),
              java.nio.charset.StandardCharsets.UTF_8);
      assertThat(record).startsWith("v=DKIM1; k=" + key[0] + "; p=");
      // The record carries the public half of the key file written beside it: a probe signed
      // with that file verifies against the record as Net::DNS read it.
      Path keyFile = dir.resolve(selector + "-text").resolve("example.gov.uk-" + selector + ".pem");
      org.mailassure.keys.PemKeys.LoadedKey loaded =
          org.mailassure.keys.PemKeys.readPrivateKey(Files.readString(keyFile));
      byte[] signed =
          signedProbe(
              List.of(
                  new org.mailassure.config.DkimKey(
                      selector, keyFile, loaded.algorithm(), loaded.key())));
      assertThat(new DkimVerifier((sel, d) -> record).verify(signed))
          .extracting(DkimVerifier.Result::pass)
          .containsExactly(true);
    }
  }

  @Test
  void anInternationalisedDomainIsRefusedWithItsALabel() {
    // The A-label is Python's: 'bücher.example'.encode('idna') == b'xn--bcher-kva.example'.
    CliRun r = CliRun.of(dir, "dkim", "keygen", "--domain", "bücher.example", "--selector", "s");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("give xn--bcher-kva.example instead");
  }

  @Test
  void smallRsaKeysAreRefused() {
    CliRun r =
        CliRun.of(
            dir,
            "dkim",
            "keygen",
            "--domain",
            "example.gov.uk",
            "--selector",
            "s",
            "--bits",
            "1024");
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err()).contains("2048");
  }

  @Test
  void oncePublishedCheckFindsTheRecordAndAProbeSignedWithTheKeyVerifiesAgainstIt()
      throws Exception {
    JsonNode rsa = keygen("--selector", "mailassure1");
    JsonNode ed = keygen("--selector", "mailassure2", "--type", "ed25519");
    try (LoopbackDns dns = new LoopbackDns()) {
      dns.txt(rsa.get("dns_name").asText(), rsa.get("txt").asText());
      dns.txt(ed.get("dns_name").asText(), ed.get("txt").asText());
      Path config = dir.resolve("mailassure.yaml");
      Files.writeString(
          config,
          """
          probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
          readiness: { dns-servers: ["%s"], timeout: 1s }
          domains:
            - name: example.gov.uk
              mailbox: secureemailreply@example.gov.uk
              selectors: []
              dkim:
                - { selector: mailassure1, private-key-file: %s }
                - { selector: mailassure2, private-key-file: %s }
          """
              .formatted(
                  dns.address(),
                  rsa.get("private_key_file").asText(),
                  ed.get("private_key_file").asText()));

      CliRun check = CliRun.of(dir, "check", "--only", "dkim", "-c", config.toString());
      assertThat(check.exitCode()).as(check.out()).isZero();
      // The table wraps details to the terminal's width: read it as running text.
      assertThat(check.out().replaceAll("\\s+", " "))
          .contains("mailassure1 ok (rsa-2048, matches the local key)")
          .contains("mailassure2 ok (ed25519, matches the local key)");

      Config c = new ConfigLoader(Map.of(), false).load(config);
      byte[] signed = signedProbe(c.domains().get(0).dkim());
      DnsClient client = new DnsClient(List.of(dns.address()), java.time.Duration.ofSeconds(1));
      var results =
          new DkimVerifier(
                  (s, d) -> {
                    var txt = client.get(s + "._domainkey." + d, org.xbill.DNS.Type.TXT);
                    return txt instanceof org.mailassure.readiness.dns.DnsAnswer.Records r
                        ? String.join(
                            "", ((org.xbill.DNS.TXTRecord) r.records().get(0)).getStrings())
                        : null;
                  })
              .verify(signed);
      assertThat(results).extracting(DkimVerifier.Result::pass).containsExactly(true, true);
    }
  }

  @Test
  void aMissingOutDirectoryIsRefusedAndNothingIsCreated() throws Exception {
    Path missing = dir.resolve("no/such/dir");
    CliRun r =
        CliRun.of(
            dir,
            "dkim",
            "keygen",
            "--domain",
            "example.gov.uk",
            "--selector",
            "s1",
            "--out",
            missing.toString());
    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("the directory " + missing + " does not exist; nothing was written")
        .contains("install -d -o root -g mailassure -m 0750 " + missing);
    assertThat(dir.resolve("no")).doesNotExist();
  }

  @Test
  void aKeyWrittenIntoTheServiceGroupsDirectoryIsReadableByThatGroupOnly() throws Exception {
    // The README's /etc/mailassure/dkim is root:mailassure 0750; this directory's group stands in
    // for the service's (the test cannot count on a mailassure group existing).
    Path keys = Files.createDirectory(dir.resolve("keys"));
    Path key = Files.createFile(keys.resolve("k.pem"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    String group =
        Files.readAttributes(keys, java.nio.file.attribute.PosixFileAttributes.class)
            .group()
            .getName();

    String access = DkimCommand.Keygen.shareWithService(keys, key, group);

    assertThat(access).startsWith("mode 0640, group " + group);
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-r-----");
    assertThat(
            Files.readAttributes(key, java.nio.file.attribute.PosixFileAttributes.class)
                .group()
                .getName())
        .isEqualTo(group);
  }

  @Test
  void aKeyWrittenAnywhereElseStaysItsOwnersAlone() throws Exception {
    Path key = Files.createFile(dir.resolve("k.pem"));
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));

    String access = DkimCommand.Keygen.shareWithService(dir, key, "no-such-group-here");

    assertThat(access).isEqualTo("mode 0600");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
  }

  /** A config for example.gov.uk that names a key for the selector mailassure1 in keys/. */
  private Path configNamingAKey() throws Exception {
    Path keys = Files.createDirectory(dir.resolve("keys"));
    Files.setPosixFilePermissions(keys, PosixFilePermissions.fromString("rwx------"));
    Path config = dir.resolve("mailassure.yaml");
    Files.writeString(
        config,
        """
        probe: { transport: smtp, smtp: { host: 127.0.0.1, auth: none } }
        domains:
          - name: Example.gov.uk
            mailbox: secureemailreply@example.gov.uk
            dkim:
              - { selector: mailassure1, private-key-file: keys/example-1.pem }
          - name: other.gov.uk
            mailbox: secureemailreply@other.gov.uk
        """);
    return config;
  }

  /** dkim keygen with -c CONFIG for DOMAIN and SELECTOR, and any more arguments. */
  private CliRun keygenWith(Object config, String domain, String selector, String... more) {
    List<String> args =
        new java.util.ArrayList<>(
            List.of(
                "dkim",
                "keygen",
                "-c",
                config.toString(),
                "--domain",
                domain,
                "--selector",
                selector));
    args.addAll(List.of(more));
    return CliRun.of(dir, args.toArray(String[]::new));
  }

  @Test
  void aKeyTheConfigNamesButDoesNotHaveYetIsWrittenWhereItSaysAndTheConfigThenValidates()
      throws Exception {
    Path config = configNamingAKey();
    CliRun before = CliRun.of(dir, "validate", "-c", config.toString());
    assertThat(before.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(before.err()).contains("example-1.pem");

    CliRun r = keygenWith(config, "example.gov.uk", "mailassure1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    Path key = dir.resolve("keys/example-1.pem");
    assertThat(r.out())
        .contains("Wrote rsa-sha256 private key to " + key + " (mode 0600)")
        .contains(
            "This is the key "
                + config
                + " names for the selector mailassure1 of example.gov.uk; the config needs no"
                + " change.")
        .doesNotContain("private-key-file:");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
        .isEqualTo("rw-------");
    assertThat(dir.resolve("example.gov.uk-mailassure1.pem")).doesNotExist();
    CliRun after = CliRun.of(dir, "validate", "-c", config.toString());
    assertThat(after.exitCode()).as(after.err()).isZero();
  }

  @Test
  void theConfigIsFoundAsEveryCommandFindsItWithoutMinusC() throws Exception {
    configNamingAKey();

    CliRun r =
        CliRun.of(dir, "dkim", "keygen", "--domain", "example.gov.uk", "--selector", "mailassure1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(dir.resolve("keys/example-1.pem")).exists();
  }

  @Test
  void onAServerTheSystemConfigIsTheLastPlaceLookedAndTheKeyGoesWhereItSays() throws Exception {
    Path config = configNamingAKey();
    Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"));

    CliRun r =
        CliRun.of(
            elsewhere,
            config,
            Map.of(),
            java.time.Clock.systemUTC(),
            d -> {},
            "dkim",
            "keygen",
            "--domain",
            "example.gov.uk",
            "--selector",
            "mailassure1");

    assertThat(r.exitCode()).as(r.err()).isZero();
    assertThat(r.out()).contains("This is the key " + config + " names for the selector");
    assertThat(dir.resolve("keys/example-1.pem")).exists();
    assertThat(elsewhere.resolve("example.gov.uk-mailassure1.pem")).doesNotExist();
  }

  @Test
  void aSelectorWhoseKeyTheConfigAlreadyHasIsRefusedWithTheRotationToDoInstead() throws Exception {
    Path config = configNamingAKey();
    Path key = dir.resolve("keys/example-1.pem");
    Files.writeString(key, "the key in use");

    for (String[] out : List.of(new String[0], new String[] {"--out", dir.toString()})) {
      CliRun r = keygenWith(config, "example.gov.uk", "MailAssure1", out);

      assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
      assertThat(r.err())
          .contains(
              config
                  + " already has a key for the selector mailassure1 of example.gov.uk: "
                  + key
                  + "; nothing was written")
          .contains("--selector mailassure2");
    }
    assertThat(Files.readString(key)).isEqualTo("the key in use");
    assertThat(dir.resolve("example.gov.uk-mailassure1.pem")).doesNotExist();
  }

  @Test
  void aDomainOrSelectorTheConfigLacksGetsTheSnippetToAddNamingTheConfig() throws Exception {
    Path config = configNamingAKey();

    CliRun newSelector = keygenWith(config, "example.gov.uk", "mailassure2");
    CliRun newDomain = keygenWith(config, "third.gov.uk", "mailassure1");

    assertThat(newSelector.exitCode()).as(newSelector.err()).isZero();
    assertThat(newSelector.out())
        .contains("Then add the key to the domain example.gov.uk in " + config + ":")
        .contains(
            "        private-key-file: " + dir.resolve("example.gov.uk-mailassure2.pem") + "\n");
    assertThat(newDomain.exitCode()).as(newDomain.err()).isZero();
    assertThat(newDomain.out())
        .contains("third.gov.uk is not among the domains of " + config + "; add it there")
        .contains(
            "        private-key-file: " + dir.resolve("third.gov.uk-mailassure1.pem") + "\n");
  }

  @Test
  void aNamedConfigThatIsMissingOrNotYamlIsAUsageErrorAndNothingIsWritten() throws Exception {
    Path broken = Files.writeString(dir.resolve("broken.yaml"), "domains: [ { name: x\n");
    for (String config : List.of(dir.resolve("missing.yaml").toString(), broken.toString())) {
      CliRun r = keygenWith(config, "example.gov.uk", "mailassure1");

      assertThat(r.exitCode()).as(r.out()).isEqualTo(ExitCode.USAGE);
      assertThat(r.err()).contains(config).contains("nothing was written");
    }
    try (var files = Files.list(dir)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .doesNotContain("example.gov.uk-mailassure1.pem");
    }
  }

  @Test
  void aKeyTheConfigNamesInADirectoryThatDoesNotExistSaysWhereToCorrectIt() throws Exception {
    Path config = configNamingAKey();
    Files.delete(dir.resolve("keys"));

    CliRun r = keygenWith(config, "example.gov.uk", "mailassure1");

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err())
        .contains("the directory " + dir.resolve("keys") + " does not exist; nothing was written")
        .contains("or correct its private-key-file in " + config);
    assertThat(dir.resolve("keys")).doesNotExist();
  }

  @Test
  void theSelectorToRotateToIsTheSameNameNumberedOneUp() {
    assertThat(DkimCommand.Keygen.nextSelector("mailassure1")).isEqualTo("mailassure2");
    assertThat(DkimCommand.Keygen.nextSelector("s2048")).isEqualTo("s2049");
    assertThat(DkimCommand.Keygen.nextSelector("selector")).isEqualTo("selector2");
    assertThat(DkimCommand.Keygen.nextSelector("2026-09")).isEqualTo("2026-10");
  }

  /** A probe from example.gov.uk to the assessment address, signed with the keys. */
  private static byte[] signedProbe(List<org.mailassure.config.DkimKey> keys) {
    Instant now = Instant.parse("2026-11-29T06:00:00Z");
    return new DkimSigner("example.gov.uk", keys)
        .sign(
            ProbeMessage.compose(
                "example.gov.uk",
                "secureemailreply@example.gov.uk",
                "emailsecurity@domaininformation.service.gov.uk",
                "probe {domain}",
                now,
                now,
                ZoneId.of("UTC"),
                "test"),
            now);
  }
}
