package org.mailassure.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPairGenerator;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.mailassure.keys.PemKeys;
import org.mailassure.testing.Fixtures;

/**
 * Each broken config makes {@code validate} exit 2 with nothing on stdout and a message on stderr
 * that names the file, line and column, the key, and what is wrong.
 */
class BadConfigTest {
  @TempDir static Path dir;

  private static final String GOOD_DOMAIN =
      """
      domains:
        - name: example.gov.uk
          mailbox: secureemailreply@example.gov.uk
      """;
  private static final String SMTP =
      "probe:\n  transport: smtp\n  smtp: { host: 127.0.0.1, auth: none }\n";

  @BeforeAll
  static void material() throws Exception {
    Fixtures.writeMaterial(dir);
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(1024);
    Fixtures.writeSecret(
        dir.resolve("rsa1024.pem"), PemKeys.toPem(g.generateKeyPair().getPrivate()));
    Fixtures.writeSecret(
        dir.resolve("pkcs1.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
    // OpenSSH refuses private keys others can read (sshd StrictModes); so does mailassure.
    Files.writeString(dir.resolve("open.pem"), Files.readString(dir.resolve("rsa.pem")));
    Files.setPosixFilePermissions(
        dir.resolve("open.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(dir.resolve("open key.pem"), Files.readString(dir.resolve("rsa.pem")));
    Files.setPosixFilePermissions(
        dir.resolve("open key.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
    Files.writeString(dir.resolve("group.pem"), Files.readString(dir.resolve("rsa.pem")));
    Files.setPosixFilePermissions(
        dir.resolve("group.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-r-----"));
    Files.createDirectory(dir.resolve("keys"));
    new ProcessBuilder("mkfifo", dir.resolve("fifo").toString()).start().waitFor();
    try (var f = new java.io.RandomAccessFile(dir.resolve("huge.pem").toFile(), "rw")) {
      f.setLength(3L << 20); // sparse: nothing is written, the size is what counts
    }
    Files.setPosixFilePermissions(
        dir.resolve("huge.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    // A key and a CA certificate in DER, as some tools write them: binary, not PEM text.
    Files.write(
        dir.resolve("key.der"),
        java.security.KeyFactory.getInstance("RSA")
            .generatePrivate(
                new java.security.spec.PKCS8EncodedKeySpec(
                    java.util.Base64.getMimeDecoder()
                        .decode(
                            Files.readString(dir.resolve("rsa.pem"))
                                .replaceAll("-----[A-Z ]+-----", ""))))
            .getEncoded());
    Files.setPosixFilePermissions(
        dir.resolve("key.der"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    Files.write(dir.resolve("ca.der"), Fixtures.CA.certificate().getEncoded());
    Files.writeString(
        dir.resolve("shared-ca.pem"),
        "-----BEGIN CERTIFICATE-----\n"
            + java.util.Base64.getMimeEncoder()
                .encodeToString(Fixtures.CA.certificate().getEncoded())
            + "\n-----END CERTIFICATE-----\n");
    Files.setPosixFilePermissions(
        dir.resolve("shared-ca.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-rw-rw-"));
    Files.writeString(
        dir.resolve("cut.pem"),
        "-----BEGIN CERTIFICATE-----\nMIIBkTCB+wIJAK\n-----END CERTIFICATE-----\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      an empty file                    | ''                                                                   | 1:1   | the file is empty
      YAML that does not parse         | 'domains: [a, b\\n'                                                  | 1:10  | the list in [ ] that starts here is never closed
      a retention no clock can subtract | 'state:\\n  retention: PT9223372036854775807S\\nDOMAINS'          | 2:14  | state.retention: 'PT9223372036854775807S' is longer than 36500d (100 years)
      an internationalised domain name | 'SMTPdomains:\\n  - name: bücher.example\\n    mailbox: m@xn--bcher-kva.example\\n' | 5:11 | write xn--bcher-kva.example, its A-label form
      a domain with its final dot      | 'SMTPdomains:\\n  - name: example.gov.uk.\\n    mailbox: m@example.gov.uk\\n' | 5:11 | write example.gov.uk, without the final dot
      two YAML documents               | 'state-dir: x\\n---\\nstate-dir: y\\n'                              | 2:1   | a second YAML document starts here
      a file of unrelated keys         | 'name: x\\nversion: 2\\n'                                          | 1:1   | this does not look like a mailassure config: none of its 2 top-level keys
      a file that is one value         | 'just some words\\n'                                                | 1:1   | expected a mapping of keys, found a value; a config is keys such as
      a misspelt top-level key         | 'domain:\\n  - name: x\\n'                                           | 1:1   | did you mean 'domains'?
      a camelCase key                  | 'assessmentAddress: a@b.gov.uk\\nDOMAINS'                            | 1:1   | did you mean 'assessment-address'?
      an assessment address that is not one | 'assessment-address: not-an-address\\nDOMAINS'                  | 1:21  | assessment-address: 'not-an-address' is not an email address
      an unknown cloud                 | 'graph:\\n  cloud: mars\\nDOMAINS'                                    | 2:10  | graph.cloud: 'mars' is not one of global, us-gov, us-gov-dod, china
      a plain-http Graph endpoint      | 'graph:\\n  base-url: http://graph.example.com/v1.0\\nDOMAINS'        | 2:13  | is not an https URL
      client-secret without client-id  | 'graph:\\n  tenant-id: contoso.onmicrosoft.com\\n  auth:\\n    type: client-secret\\n    client-secret-file: ca.pem\\nDOMAINS' | 4:5 | graph.auth.client-id: is required for auth type client-secret
      an inline client secret          | 'graph:\\n  auth:\\n    client-secret: hunter2\\nDOMAINS'             | 3:5   | secrets are never written in the config file
      a secret file that does not exist | 'graph:\\n  tenant-id: contoso.onmicrosoft.com\\n  auth: { type: client-secret, client-id: 00000000-0000-0000-0000-000000000000, client-secret-file: /nonexistent/secret }\\nDOMAINS' | 3:101 | does not exist
      a cron with four fields          | 'SMTP  schedule: \"0 6 * *\"\\nDOMAINS'                              | 4:13  | does not have five fields
      a cron minute out of range       | 'SMTP  schedule: \"61 6 * * *\"\\nDOMAINS'                           | 4:13  | is not a minute (0-59)
      a cron range that runs backwards | 'SMTP  schedule: \"0 6 * * 5-1\"\\nDOMAINS'                          | 4:13  | runs backwards; write it from low to high, or as a list
      a cron that never fires          | 'SMTP  schedule: \"0 6 30 2 *\"\nDOMAINS'                          | 4:13  | never fires
      an unknown time zone             | 'SMTP  time-zone: Mars/Olympus\\nDOMAINS'                            | 4:14  | 'Mars/Olympus' is not a time zone
      a catch-up that is not a duration | 'SMTP  catch-up: soon\\nDOMAINS'                                    | 4:13  | probe.catch-up: 'soon' is not a duration
      an unknown transport             | 'probe:\\n  transport: pigeon\\nDOMAINS'                              | 2:14  | probe.transport: 'pigeon' is not one of graph, smtp
      an unknown subject placeholder   | 'SMTP  subject: \"probe {user}\"\\nDOMAINS'                          | 4:12  | unknown placeholder {user}
      a readiness timeout of a day     | 'SMTPreadiness:\\n  timeout: 1d\\nDOMAINS'                            | 5:12  | readiness.timeout: is longer than 2m
      zero retry attempts              | 'SMTP  retry: { attempts: 0 }\\nDOMAINS'                             | 4:22  | probe.retry.attempts: 0 is out of range
      max-backoff below backoff        | 'SMTP  retry: { backoff: 10m, max-backoff: 1m }\\nDOMAINS'           | 4:39  | is shorter than backoff
      plain-text SMTP                  | 'probe:\\n  transport: smtp\\n  smtp: { host: 127.0.0.1, auth: none, security: none }\\nDOMAINS' | 3:50 | mailassure never sends in clear text
      TLS 1.1 as the minimum           | 'probe:\\n  transport: smtp\\n  smtp: { host: 127.0.0.1, auth: none, min-tls-version: TLSv1.1 }\\nDOMAINS' | 3:57 | TLS below 1.2 is deprecated
      a port out of range              | 'probe:\\n  transport: smtp\\n  smtp: { host: 127.0.0.1, auth: none, port: 70000 }\\nDOMAINS' | 3:46 | probe.smtp.port: 70000 is out of range
      password auth without a file     | 'probe:\\n  transport: smtp\\n  smtp: { host: 127.0.0.1, auth: password }\\nDOMAINS' | 3:34 | auth password needs password-file
      no domains at all                | 'SMTP'                                                               | 1:1   | there is no 'domains' list
      a domain name that is not one    | 'SMTPdomains:\\n  - name: example\\n    mailbox: a@example\\n'      | 5:11  | 'example' is not a domain name
      a sender outside its domain      | 'SMTPdomains:\\n  - name: example.gov.uk\\n    mailbox: a@example.gov.uk\\n    sender: a@elsewhere.gov.uk\\n' | 7:13 | is not in the domain example.gov.uk
      a domain listed twice            | 'SMTPDOMAINS  - name: example.gov.uk\\n    mailbox: b@example.gov.uk\\n' | 7:11 | the domain example.gov.uk is listed twice (first at line 5)
      a DKIM key file that is missing  | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: nope.pem }]\\n' | 7:46 | the file
      a 1024-bit RSA DKIM key          | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: rsa1024.pem }]\\n' | 7:46 | has 1024 bits
      an Ed25519 key without RSA       | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: ed25519.pem }]\\n' | 7:11 | an Ed25519 key is accepted only beside an RSA key
      a PKCS#1 DKIM key                | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: pkcs1.pem }]\\n' | 7:46 | not PKCS#8
      a rule flag that is not boolean  | 'SMTPDOMAINS    rule: maybe\\n'                                      | 7:11  | expected true or false, found 'maybe'
      graph transport without graph    | 'probe:\\n  transport: graph\\nDOMAINS'                               | 2:14  | probe.transport is graph but there is no 'graph' section
      domains as a mapping             | 'SMTPdomains:\\n  name: example.gov.uk\\n'                           | 5:3   | domains: expected a list
      a DNS server given by name       | 'SMTPreadiness:\\n  dns-servers: [dns.example]\\nDOMAINS'            | 5:16  | is not an IP address
      a key written twice              | 'SMTPDOMAINS    probe: true\\n    probe: false\\n'                   | 8:5   | appears twice in one mapping
      a domain without a mailbox       | 'SMTPdomains:\\n  - name: example.gov.uk\\n'                         | 5:5   | domains[0].mailbox: is required (it holds the inbox rule)
      a DKIM key every user can read   | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: open.pem }]\\n' | 7:46 | is readable by every user; run 'chmod 600
      a DKIM key readable by a group   | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: group.pem }]\\n' | 7:46 | is readable by the group
      a directory as a key file        | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: keys }]\\n' | 7:46 | is a directory, not a file
      a FIFO as a key file             | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: fifo }]\\n' | 7:46 | is a FIFO, not a regular file
      a key file of 3 MiB              | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: huge.pem }]\\n' | 7:46 | keys, certificates and secrets are at most 1 MiB
      a DKIM key in DER                | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: key.der }]\\n' | 7:46 | is not a PEM key: it holds bytes that are not text (a DER key?); convert it: 'openssl pkcs8 -topk8 -nocrypt -inform DER
      a trust store in DER             | 'probe:\\n  transport: smtp\\n  smtp: { host: 127.0.0.1, auth: none, trust-store: ca.der }\\nDOMAINS' | 3:53 | holds bytes that are not text, so no PEM certificate (DER?); convert it: 'openssl x509 -inform DER
      a trust store anyone can add to  | 'probe:\\n  transport: smtp\\n  smtp: { host: 127.0.0.1, auth: none, trust-store: shared-ca.pem }\\nDOMAINS' | 3:53 | is not used: it can be changed by every user, who could make mailassure trust their own relay and hand it the probes and the SMTP password; run 'chmod o-w
      a trust store cut short          | 'probe:\\n  transport: smtp\\n  smtp: { host: 127.0.0.1, auth: none, trust-store: cut.pem }\\nDOMAINS' | 3:53 | does not hold usable PEM certificates: a certificate in it does not parse
      a store URL that is not PostgreSQL | 'SMTPstate:\n  url: mysql://db.example.gov.uk/m\nDOMAINS'       | 5:8   | state.url: 'mysql://db.example.gov.uk/m' is not a postgresql:// URL
      a password in the store URL      | 'SMTPstate:\n  url: postgresql://u:hunter2@db.example.gov.uk/m\nDOMAINS' | 5:8 | secrets never go inline in the config
      a store URL without a database   | 'SMTPstate:\n  url: postgresql://db.example.gov.uk\nDOMAINS'     | 5:8   | needs a host and one database name
      a store username without a URL   | 'SMTPstate:\n  username: mailassure\nDOMAINS'                     | 5:13  | username and password-file are for PostgreSQL
      a retention of one day           | 'SMTPstate:\n  retention: 1d\nDOMAINS'                            | 5:14  | state.retention: is shorter than 2d
      a key path the shell would split | 'SMTPDOMAINS    dkim: [{ selector: s1, private-key-file: \"open key.pem\" }]\\n' | 7:46 | open key.pem'' (or 'chown root:mailassure '
      a store password readable by all | 'SMTPstate:\n  url: postgresql://db.example.gov.uk/m?sslmode=verify-full\n  password-file: open.pem\nDOMAINS' | 6:18 | is readable by every user
      a password as a URL parameter    | 'SMTPstate:\n  url: postgresql://db.example.gov.uk/m?sslmode=require&password=hunter2\nDOMAINS' | 5:8 | has a ?password= parameter; secrets never go inline in the config
      a driver parameter that loads a class | 'SMTPstate:\n  url: postgresql://db.example.gov.uk/m?sslmode=require&socketFactory=x.Evil\nDOMAINS' | 5:8 | '?socketFactory=' is not one mailassure passes to PostgreSQL's driver
      a shared store without TLS       | 'SMTPstate:\n  url: postgresql://db.example.gov.uk/m\nDOMAINS' | 5:8 | gives no sslmode, so the database password and the shared history could cross the network
      a shared store TLS may be dropped from | 'SMTPstate:\n  url: postgresql://db.example.gov.uk/m?sslmode=prefer\nDOMAINS' | 5:8 | sslmode=prefer lets the connection go without TLS
      a store CA file that is not there | 'SMTPstate:\n  url: postgresql://db.example.gov.uk/m?sslmode=verify-full&sslrootcert=missing.pem\nDOMAINS' | 5:8 | missing.pem does not exist
      a store client key others can read | 'SMTPstate:\n  url: postgresql://db.example.gov.uk/m?sslmode=verify-full&sslkey=open.pem\nDOMAINS' | 5:8 | open.pem is readable by every user
      a store port out of range        | 'SMTPstate:\n  url: postgresql://db.example.gov.uk:99999/m?sslmode=require\nDOMAINS' | 5:8 | port 99999 is out of range
      an unknown rule action           | 'SMTPrule:\n  action: bounce\nDOMAINS'                          | 5:11  | rule.action: 'bounce' is not one of reply, forward
      a poll shorter than a minute     | 'SMTPrule:\n  poll: 30s\nDOMAINS'                                | 5:9   | rule.poll: is shorter than 1m
      a reply text with {time}         | 'SMTPrule:\n  reply-text: \"sent at {time}\"\nDOMAINS'          | 5:15  | unknown placeholder {time}
      a reply cap of zero              | 'SMTPrule:\n  max-replies-per-day: 0\nDOMAINS'                   | 5:24  | rule.max-replies-per-day: 0 is out of range
      a misspelt rule key              | 'SMTPrule:\n  replytext: hello\nDOMAINS'                         | 5:3   | did you mean 'reply-text'?
      a plain-http list named like loopback | 'SMTPconnectors:\\n  - name: a\\n    secure-domain-list: http://127.0.0.1.example.com/list\\nDOMAINS' | 6:25 | is plain http: anyone on the way could change which domains get TLS
      a connector name on two lines    | 'SMTPconnectors:\\n  - name: \"a\\x0aRemove-Item x\"\\n    domains: [a.example.com]\\nDOMAINS' | 5:11 | the connector name holds a line break
      a list URL with a password        | 'SMTPconnectors:\\n  - name: a\\n    secure-domain-list: https://bob:hunter2@lists.example.com/x\\nDOMAINS' | 6:25 | the URL has a user name or password in it; secrets never go inline
      a Graph URL with a password       | 'graph:\\n  base-url: https://bob:hunter2@graph.example.com/v1.0\\nDOMAINS' | 2:13 | graph.base-url: has a user name or password in it
      a connector forcing TLS on gov.uk | 'SMTPconnectors:\\n  - name: all\\n    domains: [\"*.gov.uk\"]\\nDOMAINS' | 6:14 | forces TLS to all of gov.uk
      """)
  void aBrokenConfigExitsTwoNamingLineColumnAndKey(
      String what, String yaml, String lineColumn, String message) throws Exception {
    // The A-label of bücher.example above is Python's: 'bücher.example'.encode('idna').
    String text =
        yaml.replace("\\n", "\n")
            .replace("SMTP", SMTP)
            .replace("DOMAINS", GOOD_DOMAIN)
            .replace("\\\"", "\"");
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(file, text);

    CliRun run = CliRun.of(dir, "validate", "-c", file.toString());

    assertThat(run.exitCode()).as(run.err()).isEqualTo(ExitCode.USAGE);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains(file + ":" + lineColumn + ":").contains(message);
    // A secret in a broken config is never repeated back.
    assertThat(run.err()).doesNotContain("hunter2");
  }

  @org.junit.jupiter.api.Test
  void aFileOfWhichNoKeyIsMailassuresIsCalledThatAloneNotAlsoMissingItsDomains() throws Exception {
    Path file = Files.writeString(dir.resolve("other.yaml"), "foo: 1\nbar: 2\n");

    CliRun r = CliRun.of(dir, "validate", "-c", file.toString());

    assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(r.err().strip().lines())
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("mailassure: validate: " + file + ":1:1: this does not look like a mailassure");
  }

  /**
   * A password file named as the config (a slip of the shell's completion, as root): each line
   * reads as one long YAML key. No line is echoed: with nothing else in the file it is called what
   * it is, and beside real config keys each such line is reported by where it is and its length.
   */
  @org.junit.jupiter.api.Test
  void aPasswordFileGivenAsTheConfigIsNeverEchoed() throws Exception {
    String hash = "$6$Qm1pbGVzdG9uZQ$" + "x".repeat(86);
    String shadow = "root:" + hash + ":20228:0:99999:7:::\nadmin:!:20263::::::\n";
    Path file = dir.resolve("shadow");
    Files.writeString(file, shadow);

    CliRun alone = CliRun.of(dir, "validate", "-c", file.toString());

    assertThat(alone.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(alone.err())
        .contains(file + ":1:1: this does not look like a mailassure config")
        .doesNotContain(hash)
        .doesNotContain("admin")
        .doesNotContain("root");

    Files.writeString(file, SMTP + GOOD_DOMAIN + shadow);
    CliRun mixed = CliRun.of(dir, "validate", "-c", file.toString());

    assertThat(mixed.exitCode()).isEqualTo(ExitCode.USAGE);
    int line = (SMTP + GOOD_DOMAIN).split("\n", -1).length;
    assertThat(mixed.err())
        // YAML 1.2: a ':' followed by a line break ends a plain key, so the line's last ':' is
        // the separator and the key is the rest.
        .contains(
            file
                + ":"
                + line
                + ":1: a key of "
                + ("root:" + hash + ":20228:0:99999:7::").length()
                + " characters that is not a key name (not shown; is this the config file?)")
        .contains(file + ":" + (line + 1) + ":1: ")
        .doesNotContain(hash)
        .doesNotContain("admin")
        .doesNotContain("root");
  }

  /**
   * In any locale: Java's Formatter writes %d in the default locale's digits (CLDR's for ar-EG are
   * U+0660 to U+0669), and an admin's LANG must not turn the offset into digits that no editor's
   * "go to" reads.
   */
  @org.junit.jupiter.params.ParameterizedTest
  @org.junit.jupiter.params.provider.ValueSource(strings = {"en-GB", "ar-EG"})
  void aConfigInLatin1NamesTheByteItsOffsetAndLineInAsciiDigitsAndSaysToSaveItAsUtf8(String locale)
      throws Exception {
    Path file = dir.resolve("latin1.yaml");
    Files.write(
        file,
        (SMTP + GOOD_DOMAIN + "# caf\u00e9\n")
            .getBytes(java.nio.charset.StandardCharsets.ISO_8859_1));
    java.util.Locale before = java.util.Locale.getDefault();
    java.util.Locale.setDefault(java.util.Locale.forLanguageTag(locale));
    CliRun run;
    try {
      run = CliRun.of(dir, "validate", "-c", file.toString());
    } finally {
      java.util.Locale.setDefault(before);
    }

    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    int offset = (SMTP + GOOD_DOMAIN + "# caf").length();
    assertThat(run.err())
        .contains("is not UTF-8: the byte 0xE9 at offset " + offset + " (line 7)")
        .contains("save the file as UTF-8")
        .doesNotContain("Exception");
  }

  @org.junit.jupiter.api.Test
  void aConfigInUtf16SaysToSaveItAsUtf8() throws Exception {
    Path file = dir.resolve("utf16.yaml");
    Files.write(file, (SMTP + GOOD_DOMAIN).getBytes(java.nio.charset.StandardCharsets.UTF_16));

    CliRun run = CliRun.of(dir, "validate", "-c", file.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("is UTF-16").contains("save it as UTF-8");
  }

  @org.junit.jupiter.api.Test
  void aConfigOf20MibIsRefusedBeforeItIsRead() throws Exception {
    Path file = dir.resolve("huge.yaml");
    try (var f = new java.io.RandomAccessFile(file.toFile(), "rw")) {
      f.setLength(20L << 20);
    }

    CliRun run = CliRun.of(dir, "validate", "-c", file.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("is 20971520 bytes; a mailassure config is at most 4 MiB");
  }

  @org.junit.jupiter.api.Test
  void aFileNameWithControlCharactersIsEchoedWithoutThem() throws Exception {
    // A name is the user's text, but it may come from a script or a crafted path: printed as it
    // is, an escape sequence in it would recolour the terminal or set its title.
    Path odd = dir.resolve("odd\u001b]0;title\u0007.yaml");

    CliRun run = CliRun.of(dir, "validate", "-c", odd.toString());

    assertThat(run.exitCode()).isEqualTo(ExitCode.USAGE);
    assertThat(run.err()).contains("odd?]0;title?.yaml").doesNotContain("\u001b", "\u0007");
  }
}
