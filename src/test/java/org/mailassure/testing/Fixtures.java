package org.mailassure.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Map;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigException;
import org.mailassure.config.ConfigLoader;
import org.mailassure.demo.Certificates;
import org.mailassure.keys.PemKeys;

/** Keys, certificates and configs shared by tests; the costly ones are made once per JVM. */
public final class Fixtures {
  public static final KeyPair RSA = generate("RSA", 2048);
  public static final KeyPair ED25519 = generate("Ed25519", 0);
  public static final Certificates.Issued CA = Certificates.authority("mailassure test CA");
  public static final Certificates.Issued LOOPBACK =
      Certificates.server(CA, Duration.ofDays(30), "127.0.0.1", "localhost");

  private Fixtures() {}

  private static KeyPair generate(String algorithm, int bits) {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance(algorithm);
      if (bits > 0) {
        g.initialize(bits);
      }
      return g.generateKeyPair();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Writes the shared RSA and Ed25519 keys and the test CA into a directory. */
  public static void writeMaterial(Path dir) throws IOException {
    writeSecret(dir.resolve("rsa.pem"), PemKeys.toPem(RSA.getPrivate()));
    writeSecret(dir.resolve("ed25519.pem"), PemKeys.toPem(ED25519.getPrivate()));
    CA.writePem(dir.resolve("ca.pem"));
  }

  /** Writes a secret or private key as an admin must: readable by its owner only (0600). */
  public static Path writeSecret(Path file, String text) throws IOException {
    Files.writeString(file, text);
    Files.setPosixFilePermissions(
        file, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return file;
  }

  /** Loads YAML written into {@code dir/mailassure.yaml} through the real loader. */
  public static Config config(Path dir, String yaml) throws IOException, ConfigException {
    Path file = dir.resolve("mailassure.yaml");
    Files.writeString(file, yaml);
    return new ConfigLoader(Map.of(), false).load(file);
  }
}
