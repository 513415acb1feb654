package org.mailassure.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretsTest {
  @Test
  void aRememberedSecretIsMaskedWhereverItAppears() {
    Secrets.remember("s3cret-client-value-1234");

    assertThat(Secrets.redact("invalid_client: s3cret-client-value-1234 is wrong"))
        .isEqualTo("invalid_client: [redacted] is wrong");
  }

  @Test
  void tokenShapedStringsAndBearerCredentialsAreMaskedEvenWhenNeverSeen() {
    String jwt = "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJhdWQiOiJodHRwcyJ9.c2lnbmF0dXJl";

    assertThat(Secrets.redact("token " + jwt + " rejected")).isEqualTo("token [redacted] rejected");
    assertThat(Secrets.redact("Authorization: Bearer abc.def-unknown"))
        .isEqualTo("Authorization: Bearer [redacted]");
    // The scheme's name is case-insensitive (RFC 9110 section 11.1).
    assertThat(Secrets.redact("said bEaReR\tabc.def-unknown, then"))
        .isEqualTo("said bEaReR\t[redacted], then");
  }

  @Test
  void shortValuesAreNotTreatedAsSecretsSoOrdinaryWordsSurvive() {
    Secrets.remember("abc");

    assertThat(Secrets.redact("abc def")).isEqualTo("abc def");
  }

  @Test
  void aSecretSplitAcrossTwoWritesIsStillMaskedByTheWriter() throws Exception {
    Secrets.remember("split-secret-987654321");
    StringWriter sink = new StringWriter();
    RedactingWriter w = new RedactingWriter(sink);

    w.write("relay said split-sec");
    w.write("ret-987654321 twice\nnext ");
    w.flush();

    assertThat(sink.toString()).isEqualTo("relay said [redacted] twice\nnext ");
  }

  @Test
  void aSecretFileIsReadWithoutTheWhitespaceAroundItAndIsThenRedacted(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("client-secret");
    Files.writeString(file, "  s3cret-from-a-file-value\n");

    assertThat(Secrets.readFile(file)).isEqualTo("s3cret-from-a-file-value");
    assertThat(Secrets.redact("echoed: s3cret-from-a-file-value")).isEqualTo("echoed: [redacted]");
  }

  @Test
  void aSecretFileThatIsNotUtf8IsReportedAsSuchNotReadAsAGarbledSecret(@TempDir Path dir)
      throws Exception {
    Path file = dir.resolve("secret.bin");
    Files.write(file, new byte[] {(byte) 0xff, (byte) 0xfe, 0x00, 0x41});

    assertThatThrownBy(() -> Secrets.readFile(file))
        .isInstanceOfSatisfying(
            IOException.class,
            e ->
                assertThat(org.mailassure.text.Words.whyUnreadable(e))
                    .isEqualTo("it is not UTF-8 text: a binary file?"));
  }

  @Test
  void aSecretFileOverOneMebibyteIsRefusedUnreadNotTruncated(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("secret");
    Files.write(
        file,
        "x"
            .repeat(org.mailassure.text.SmallFiles.MAX_KEY_OR_SECRET_BYTES + 1)
            .getBytes(StandardCharsets.US_ASCII));

    assertThatThrownBy(() -> Secrets.readFile(file))
        .isInstanceOfSatisfying(
            IOException.class,
            e ->
                assertThat(org.mailassure.text.Words.whyUnreadable(e))
                    .isEqualTo("it is over 1 MiB"));
    Files.write(
        file,
        "x"
            .repeat(org.mailassure.text.SmallFiles.MAX_KEY_OR_SECRET_BYTES)
            .getBytes(StandardCharsets.US_ASCII));
    assertThat(Secrets.readFile(file))
        .hasSize(org.mailassure.text.SmallFiles.MAX_KEY_OR_SECRET_BYTES);
  }

  @Test
  void whyAFileCannotBeReadIsSaidWithoutTheExceptionsClass(@TempDir Path dir) {
    assertThatThrownBy(() -> Secrets.readFile(dir.resolve("absent")))
        .isInstanceOfSatisfying(
            IOException.class,
            e ->
                assertThat(org.mailassure.text.Words.whyUnreadable(e))
                    .isEqualTo("it does not exist"));
    assertThatThrownBy(() -> Secrets.readFile(dir))
        .isInstanceOfSatisfying(
            IOException.class,
            e ->
                assertThat(org.mailassure.text.Words.whyUnreadable(e)).isEqualTo("Is a directory"));
  }

  @Test
  void controlCharactersFromServersOrFilesReachNoTerminal() throws Exception {
    // ESC (colour, title), CR (overwrite the line), BEL, DEL and a C1 CSI; newline and tab stay.
    StringWriter sink = new StringWriter();
    RedactingWriter w = new RedactingWriter(sink);

    w.write("a\u001b[31mb\rc\u0007d\u007fe\u009bf\tg\n");
    w.flush();

    assertThat(sink.toString()).isEqualTo("a?[31mb?c?d?e?f\tg\n");
  }
}
