package org.mailassure.probe.dkim;

import java.io.StringReader;
import java.nio.charset.StandardCharsets;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;
import org.bouncycastle.asn1.pkcs.PrivateKeyInfo;
import org.bouncycastle.openssl.PEMKeyPair;
import org.bouncycastle.openssl.PEMParser;
import org.bouncycastle.openssl.jcajce.JcaPEMKeyConverter;

/** The example of RFC 8463 Appendix A: its keys (A.1, A.2) and its signed message (A.3). */
final class Rfc8463 {
  /** A.1: the Ed25519 secret key as its 32-byte seed (the key of RFC 8032 section 7.1, test 1). */
  static final String ED25519_SEED = "nWGxne/9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A=";

  static final String ED25519_RECORD =
      "v=DKIM1; k=ed25519; p=11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=";

  /** A.2: the RSA key, PKCS#1 PEM as printed in the RFC. */
  static final String RSA_PKCS1 =
      """
      -----BEGIN RSA PRIVATE KEY-----
      MIICXQIBAAKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQi
      Y/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqM
      KrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB
      AoGAH0cxOhFZDgzXWhDhnAJDw5s4roOXN4OhjiXa8W7Y3rhX3FJqmJSPuC8N9vQm
      6SVbaLAE4SG5mLMueHlh4KXffEpuLEiNp9Ss3O4YfLiQpbRqE7Tm5SxKjvvQoZZe
      zHorimOaChRL2it47iuWxzxSiRMv4c+j70GiWdxXnxe4UoECQQDzJB/0U58W7RZy
      6enGVj2kWF732CoWFZWzi1FicudrBFoy63QwcowpoCazKtvZGMNlPWnC7x/6o8Gc
      uSe0ga2xAkEA8C7PipPm1/1fTRQvj1o/dDmZp243044ZNyxjg+/OPN0oWCbXIGxy
      WvmZbXriOWoSALJTjExEgraHEgnXssuk7QJBALl5ICsYMu6hMxO73gnfNayNgPxd
      WFV6Z7ULnKyV7HSVYF0hgYOHjeYe9gaMtiJYoo0zGN+L3AAtNP9huqkWlzECQE1a
      licIeVlo1e+qJ6Mgqr0Q7Aa7falZ448ccbSFYEPD6oFxiOl9Y9se9iYHZKKfIcst
      o7DUw1/hz2Ck4N5JrgUCQQCyKveNvjzkkd8HjYs0SwM0fPjK16//5qDZ2UiDGnOe
      uEzxBDAr518Z8VFbR41in3W4Y3yCDgQlLlcETrS+zYcL
      -----END RSA PRIVATE KEY-----
      """;

  static final String RSA_RECORD =
      "v=DKIM1; k=rsa; p=MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDkHlOQoBTzWRiGs5V6NpP3idY6Wk08a5qhdR6wy5bdOKb2jLQiY/J16JYi0Qvx/byYzCNb3W91y3FutACDfzwQ/BC/e/8uBsCR+yz1Lxj+PL6lHvqMKrM3rG4hstT5QjvHO9PzoxZyVYLzBfO2EeC3Ip3G+2kryOTIKT+l/K4w3QIDAQAB";

  static final String ED25519_B =
      "/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11BusFa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==";
  static final String RSA_B =
      "F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2JzdA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=";
  static final String BODY_HASH = "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=";

  /** A.3: the signed message, line for line. */
  static final String MESSAGE =
      String.join(
          "\r\n",
          "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed;",
          " d=football.example.com; i=@football.example.com;",
          " q=dns/txt; s=brisbane; t=1528637909; h=from : to :",
          " subject : date : message-id : from : subject : date;",
          " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
          " b=/gCrinpcQOoIfuHNQIbq4pgh9kyIK3AQUdt9OdqQehSwhEIug4D11Bus",
          " Fa3bT3FY5OsU7ZbnKELq+eXdp1Q1Dw==",
          "DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed;",
          " d=football.example.com; i=@football.example.com;",
          " q=dns/txt; s=test; t=1528637909; h=from : to : subject :",
          " date : message-id : from : subject : date;",
          " bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;",
          " b=F45dVWDfMbQDGHJFlXUNB2HKfbCeLRyhDXgFpEL8GwpsRe0IeIixNTe3",
          " DhCVlUrSjV4BwcVcOF6+FF3Zo9Rpo1tFOeS9mPYQTnGdaSGsgeefOsk2Jz",
          " dA+L10TeYt9BgDfQNZtKdN1WO//KgIqXP7OdEFE4LjFYNcUxZQ4FADY+8=",
          "From: Joe SixPack <joe@football.example.com>",
          "To: Suzie Q <suzie@shopping.example.net>",
          "Subject: Is dinner ready?",
          "Date: Fri, 11 Jul 2003 21:00:37 -0700 (PDT)",
          "Message-ID: <20030712040037.46341.5F8J@football.example.com>",
          "",
          "Hi.",
          "",
          "We lost the game.  Are you hungry yet?",
          "",
          "Joe.",
          "");

  private Rfc8463() {}

  static byte[] message() {
    return MESSAGE.getBytes(StandardCharsets.US_ASCII);
  }

  static PrivateKey ed25519Key() throws Exception {
    byte[] prefix = HexFormat.of().parseHex("302e020100300506032b657004220420");
    byte[] seed = Base64.getDecoder().decode(ED25519_SEED);
    byte[] der = new byte[prefix.length + seed.length];
    System.arraycopy(prefix, 0, der, 0, prefix.length);
    System.arraycopy(seed, 0, der, prefix.length, seed.length);
    return KeyFactory.getInstance("Ed25519").generatePrivate(new PKCS8EncodedKeySpec(der));
  }

  static PrivateKey rsaKey() throws Exception {
    try (PEMParser parser = new PEMParser(new StringReader(RSA_PKCS1))) {
      PrivateKeyInfo info = ((PEMKeyPair) parser.readObject()).getPrivateKeyInfo();
      return new JcaPEMKeyConverter().getPrivateKey(info);
    }
  }

  static String lookup(String selector, String domain) {
    if (!domain.equals("football.example.com")) {
      return null;
    }
    return switch (selector) {
      case "brisbane" -> ED25519_RECORD;
      case "test" -> RSA_RECORD;
      default -> null;
    };
  }
}
