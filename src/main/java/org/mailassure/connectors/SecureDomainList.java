package org.mailassure.connectors;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.mailassure.text.Words;

/**
 * The published list of securely set-up domains: fetched over HTTPS (or read from a file) and read
 * as the comma-separated export, tolerant of a header row, blank lines, case and whitespace.
 */
public final class SecureDomainList {
  /** The gov.uk export is tens of kilobytes; a list over this is not one and is not read. */
  public static final int MAX_BYTES = 16 << 20;

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
      text = download(source);
    } else {
      Path p = base == null ? Path.of(source) : base.resolve(source);
      try {
        text = org.mailassure.text.SmallFiles.readUtf8(p, MAX_BYTES);
      } catch (org.mailassure.text.SmallFiles.TooLarge e) {
        throw new UnavailableException(
            "the secure-domain list "
                + p
                + " is longer than "
                + (MAX_BYTES >> 20)
                + " MiB; not read");
      } catch (IOException e) {
        throw new UnavailableException(
            "cannot read the secure-domain list " + p + ": " + Words.whyUnreadable(e));
      }
    }
    return parse(text);
  }

  /**
   * The list at an http(s) URL, whole, within the one deadline ({@code timeout} for connecting, the
   * headers and the whole body: the client's own timeout stops at the headers, so a server that
   * drips the body would otherwise hold the command for ever) and at most {@link #MAX_BYTES}.
   */
  private String download(String source) throws UnavailableException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(source))
            .timeout(timeout)
            .header("User-Agent", "mailassure")
            .GET()
            .build();
    CompletableFuture<HttpResponse<byte[]>> response =
        http.sendAsync(
            request,
            info ->
                info.statusCode() == 200
                    ? new Bounded()
                    : HttpResponse.BodySubscribers.replacing(new byte[0]));
    HttpResponse<byte[]> r;
    try {
      r = response.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      response.cancel(true);
      throw new UnavailableException(
          "the secure-domain list "
              + source
              + " did not arrive whole within "
              + org.mailassure.config.Durations.format(timeout)
              + "; not read");
    } catch (ExecutionException e) {
      Throwable cause = e.getCause() == null ? e : e.getCause();
      if (cause instanceof TooLong) {
        throw new UnavailableException(
            "the secure-domain list "
                + source
                + " is longer than "
                + (MAX_BYTES >> 20)
                + " MiB, which no such list is; not read");
      }
      throw new UnavailableException(
          "cannot download the secure-domain list " + source + ": " + why(cause));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      response.cancel(true);
      throw new UnavailableException("interrupted while downloading " + source);
    }
    if (r.statusCode() != 200) {
      throw new UnavailableException(
          "the secure-domain list " + source + " answered HTTP " + r.statusCode());
    }
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  /** Why a download failed, in words: the JDK's client often gives no message at all. */
  private static String why(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.nio.channels.UnresolvedAddressException
          || t instanceof java.net.UnknownHostException) {
        return "the host name does not resolve";
      }
      if (t instanceof java.net.http.HttpConnectTimeoutException) {
        return "no connection within the time allowed";
      }
      if (t instanceof java.net.ConnectException) {
        return "the connection was refused (nothing listens there)";
      }
      if (t instanceof javax.net.ssl.SSLException) {
        return "TLS failed: " + Words.oneLine(t.getMessage());
      }
    }
    String message = Words.oneLine(failure.getMessage());
    return message.isEmpty() ? "the connection failed" : message;
  }

  /** The body was longer than {@link #MAX_BYTES}. */
  private static final class TooLong extends IOException {
    private static final long serialVersionUID = 1L;

    TooLong() {
      super("longer than " + MAX_BYTES + " bytes");
    }
  }

  /** A body gathered into bytes, cut off (and the exchange cancelled) past {@link #MAX_BYTES}. */
  private static final class Bounded implements HttpResponse.BodySubscriber<byte[]> {
    private final CompletableFuture<byte[]> body = new CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private Flow.Subscription subscription;

    @Override
    public CompletionStage<byte[]> getBody() {
      return body;
    }

    @Override
    public void onSubscribe(Flow.Subscription s) {
      subscription = s;
      s.request(1);
    }

    @Override
    public void onNext(List<ByteBuffer> items) {
      for (ByteBuffer b : items) {
        if (bytes.size() + b.remaining() > MAX_BYTES) {
          subscription.cancel();
          body.completeExceptionally(new TooLong());
          return;
        }
        byte[] chunk = new byte[b.remaining()];
        b.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
      subscription.request(1);
    }

    @Override
    public void onError(Throwable failure) {
      body.completeExceptionally(failure);
    }

    @Override
    public void onComplete() {
      body.complete(bytes.toByteArray());
    }
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
