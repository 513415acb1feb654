import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPairGenerator;
import java.time.Duration;
import org.mailassure.demo.Certificates;
import org.mailassure.keys.PemKeys;
import org.mailassure.testing.LoopbackRelay;

/**
 * What the sending benchmarks share: a throwaway CA written to {@code bench-ca.pem}, an RSA-2048
 * DKIM key written to {@code dkim-rsa2048.pem}, and a started STARTTLS relay on 127.0.0.1 whose
 * certificate that CA issued.
 */
final class BenchRelay {
  private BenchRelay() {}

  static LoopbackRelay start(Path out) throws IOException, GeneralSecurityException {
    Files.createDirectories(out);
    Certificates.Issued ca = Certificates.authority("mailassure bench CA");
    Certificates.Issued cert = Certificates.server(ca, Duration.ofDays(1), "127.0.0.1");
    ca.writePem(out.resolve("bench-ca.pem"));
    KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
    g.initialize(2048);
    Files.writeString(
        out.resolve("dkim-rsa2048.pem"), PemKeys.toPem(g.generateKeyPair().getPrivate()));
    Files.setPosixFilePermissions(
        out.resolve("dkim-rsa2048.pem"),
        java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return LoopbackRelay.builder(LoopbackRelay.Mode.STARTTLS)
        .tls(cert.serverContext())
        .build()
        .start();
  }
}
