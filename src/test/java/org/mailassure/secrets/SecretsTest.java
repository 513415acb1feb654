package org.mailassure.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.StringWriter;
import org.junit.jupiter.api.Test;

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
}
