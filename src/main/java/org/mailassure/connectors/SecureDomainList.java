package org.mailassure.connectors;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The published list of securely set-up domains: fetched over HTTPS (or read from a file) and read
 * as the comma-separated export, tolerant of a header row, blank lines, case and whitespace.
 */
public final class SecureDomainList {
  /** The gov.uk export is tens of kilobytes; a list over this is not one and is not read. */
  static final int MAX_BYTES = 16 << 20;

  private final HttpClient http;
  private final Duration timeout;

  public SecureDomainList(Duration timeout) {
    this.timeout = timeout;
    this.http =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .build();
  }

  /** The list could not be had: download, status or read failure. Its message says which. */
  public static final class UnavailableException extends Exception {
    public UnavailableException(String message) {
      super(message);
    }
  }

  /** The raw entries of the list at {@code source} (an https URL, or a file path). */
  public List<String> fetch(String source, Path base) throws UnavailableException {
    String text;
    if (source.startsWith("https://") || source.startsWith("http://")) {
      URI uri = URI.create(source);
      try {
        HttpResponse<java.io.InputStream> r =
            http.send(
                HttpRequest.newBuilder(uri)
                    .timeout(timeout)
                    .header("User-Agent", "mailassure")
                    .GET()
                    .build(),
                HttpResponse.BodyHandlers.ofInputStream());
        try (java.io.InputStream body = r.body()) {
          if (r.statusCode() != 200) {
            throw new UnavailableException(
                "the secure-domain list " + source + " answered HTTP " + r.statusCode());
          }
          byte[] bytes = body.readNBytes(MAX_BYTES + 1);
          if (bytes.length > MAX_BYTES) {
            throw new UnavailableException(
                "the secure-domain list "
                    + source
                    + " is longer than "
                    + (MAX_BYTES >> 20)
                    + " MiB, which no such list is; not read");
          }
          text = new String(bytes, StandardCharsets.UTF_8);
        }
      } catch (IOException e) {
        throw new UnavailableException(
            "cannot download the secure-domain list " + source + ": " + e.getMessage());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new UnavailableException("interrupted while downloading " + source);
      }
    } else {
      Path p = base == null ? Path.of(source) : base.resolve(source);
      try {
        if (Files.size(p) > MAX_BYTES) {
          throw new UnavailableException(
              "the secure-domain list "
                  + p
                  + " is longer than "
                  + (MAX_BYTES >> 20)
                  + " MiB; not read");
        }
        text = Files.readString(p, StandardCharsets.UTF_8);
      } catch (IOException e) {
        throw new UnavailableException(
            "cannot read the secure-domain list " + p + ": " + e.getMessage());
      }
    }
    return parse(text);
  }

  /**
   * The entries of an export: split on commas and line ends, trimmed and lower-cased, blank ones
   * dropped, and a first row that is a header (no dot in any of its fields) skipped.
   */
  public static List<String> parse(String text) {
    List<String> out = new ArrayList<>();
    String[] lines = text.replace("\uFEFF", "").split("\r?\n");
    for (int i = 0; i < lines.length; i++) {
      String[] fields = lines[i].split(",");
      if (out.isEmpty() && i == firstNonBlank(lines) && isHeader(fields)) {
        continue;
      }
      for (String f : fields) {
        String e = f.strip().replace("\"", "").toLowerCase(Locale.ROOT);
        if (!e.isEmpty()) {
          out.add(e);
        }
      }
    }
    return out;
  }

  private static int firstNonBlank(String[] lines) {
    for (int i = 0; i < lines.length; i++) {
      if (!lines[i].isBlank()) {
        return i;
      }
    }
    return -1;
  }

  /** A header row: every field words only (letters, spaces, '-', '_'), none with a dot. */
  private static boolean isHeader(String[] fields) {
    for (String f : fields) {
      if (!f.strip().replace("\uFEFF", "").matches("[A-Za-z _-]*")) {
        return false;
      }
    }
    return true;
  }
}
