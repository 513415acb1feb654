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
    Files.writeString(dir.resolve("rsa1024.pem"), PemKeys.toPem(g.generateKeyPair().getPrivate()));
    Files.writeString(
        dir.resolve("pkcs1.pem"),
        "-----BEGIN RSA PRIVATE KEY-----\nMIIB\n-----END RSA PRIVATE KEY-----\n");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
      an empty file                    | ''                                                                   | 1:1   | the file is empty
      YAML that does not parse         | 'domains: [a, b\\n'                                                  | 1:15  | not valid YAML
      a misspelt top-level key         | 'domain:\\n  - name: x\\n'                                           | 1:1   | did you mean 'domains'?
      a camelCase key                  | 'assessmentAddress: a@b.gov.uk\\nDOMAINS'                            | 1:1   | did you mean 'assessment-address'?
      an assessment address that is not one | 'assessment-address: not-an-address\\nDOMAINS'                  | 1:21  | assessment-address: 'not-an-address' is not an email address
      an unknown cloud                 | 'graph:\\n  cloud: mars\\nDOMAINS'                                    | 2:10  | graph.cloud: 'mars' is not one of global, us-gov, us-gov-dod, china
      a plain-http Graph endpoint      | 'graph:\\n  base-url: http://graph.example.com/v1.0\\nDOMAINS'        | 2:13  | is not an https URL
      client-secret without client-id  | 'graph:\\n  tenant-id: contoso.onmicrosoft.com\\n  auth:\\n    type: client-secret\\n    client-secret-file: ca.pem\\nDOMAINS' | 4:5 | graph.auth.client-id: is required for auth type client-secret
      an inline client secret          | 'graph:\\n  auth:\\n    client-secret: hunter2\\nDOMAINS'             | 3:5   | secrets are never written in the config file
      a secret file that does not exist | 'graph:\\n  tenant-id: contoso.onmicrosoft.com\\n  auth: { type: client-secret, client-id: 00000000-0000-0000-0000-000000000000, client-secret-file: /nonexistent/secret }\\nDOMAINS' | 3:101 | does not exist
      a cron with four fields          | 'SMTP  schedule: \"0 6 * *\"\\nDOMAINS'                              | 4:13  | does not have five fields
      a cron minute out of range       | 'SMTP  schedule: \"61 6 * * *\"\\nDOMAINS'                           | 4:13  | is not a valid cron expression
      a cron that never fires          | 'SMTP  schedule: \"0 6 30 2 *\"\nDOMAINS'                          | 4:13  | never fires
      an unknown time zone             | 'SMTP  time-zone: Mars/Olympus\\nDOMAINS'                            | 4:14  | 'Mars/Olympus' is not a time zone
      a catch-up that is not a duration | 'SMTP  catch-up: soon\\nDOMAINS'                                    | 4:13  | probe.catch-up: 'soon' is not a duration
      an unknown transport             | 'probe:\\n  transport: pigeon\\nDOMAINS'                              | 2:14  | probe.transport: 'pigeon' is not one of graph, smtp
      an unknown subject placeholder   | 'SMTP  subject: \"probe {user}\"\\nDOMAINS'                          | 4:12  | unknown placeholder {user}
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
      """)
  void aBrokenConfigExitsTwoNamingLineColumnAndKey(
      String what, String yaml, String lineColumn, String message) throws Exception {
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
  }
}
