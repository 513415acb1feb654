package org.mailassure.readiness.dns;

import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import org.xbill.DNS.ExtendedResolver;
import org.xbill.DNS.Name;
import org.xbill.DNS.Resolver;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;
import org.xbill.DNS.lookup.LookupResult;
import org.xbill.DNS.lookup.LookupSession;
import org.xbill.DNS.lookup.NoSuchDomainException;
import org.xbill.DNS.lookup.NoSuchRRSetException;
import org.xbill.DNS.lookup.ServerFailedException;

/**
 * DNS for the readiness checks, through dnsjava's {@link LookupSession}: the configured resolvers
 * (or the system's), a timeout, CNAMEs followed, and every (name, type) asked at most once per run
 * however many checks and domains want it (concurrent askers share one answer). A bound on
 * questions in flight keeps a thousand-domain run polite. Thread-safe.
 */
public final class DnsClient {
  /** Questions in flight at most; a further asker waits for room. */
  public static final int MAX_IN_FLIGHT = 64;

  /**
   * Where dnsjava continues a lookup when an answer arrives (parsing it, following a CNAME). Its
   * default is the common fork-join pool, and on a machine with one or two cores (where the common
   * pool has at most one thread) CompletableFuture swaps that for a new thread per step: a
   * thousand-domain check started 22,000 threads (without its MTA-STS fetches, a third of its CPU
   * time). Two threads do this light work; they end after a while idle.
   */
  private static final java.util.concurrent.ThreadPoolExecutor CONTINUATIONS = continuations();

  private final LookupSession session;
  private final String servers;
  private final Duration timeout;
  private final Map<String, CompletableFuture<DnsAnswer>> asked = new ConcurrentHashMap<>();
  private final Semaphore inFlight = new Semaphore(MAX_IN_FLIGHT);

  /**
   * @param servers {@code host} or {@code host:port} (IP literals); empty for the system's
   *     resolvers
   */
  public DnsClient(List<String> servers, Duration timeout) {
    this.servers = servers.isEmpty() ? "the system's resolvers" : String.join(", ", servers);
    this.timeout = timeout;
    Resolver resolver = resolver(servers, timeout);
    this.session =
        LookupSession.builder().resolver(resolver).executor(CONTINUATIONS).clearCaches().build();
  }

  private static java.util.concurrent.ThreadPoolExecutor continuations() {
    java.util.concurrent.ThreadPoolExecutor pool =
        new java.util.concurrent.ThreadPoolExecutor(
            2,
            2,
            10,
            java.util.concurrent.TimeUnit.SECONDS,
            new java.util.concurrent.LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "dns answers");
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return pool;
  }

  private static Resolver resolver(List<String> servers, Duration timeout) {
    try {
      Resolver r;
      if (servers.isEmpty()) {
        r = new ExtendedResolver();
      } else {
        List<Resolver> each = new ArrayList<>();
        for (String s : servers) {
          each.add(new SimpleResolver(address(s)));
        }
        r = each.size() == 1 ? each.get(0) : new ExtendedResolver(each);
      }
      r.setTimeout(timeout);
      return r;
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException("unusable DNS server: " + e.getMessage(), e);
    }
  }

  private static InetSocketAddress address(String server) throws UnknownHostException {
    String host = server;
    int port = 53;
    if (server.startsWith("[")) {
      int end = server.indexOf(']');
      host = server.substring(1, end);
      if (server.length() > end + 2) {
        port = Integer.parseInt(server.substring(end + 2));
      }
    } else if (server.indexOf(':') == server.lastIndexOf(':') && server.contains(":")) {
      host = server.substring(0, server.indexOf(':'));
      port = Integer.parseInt(server.substring(server.indexOf(':') + 1));
    }
    return new InetSocketAddress(java.net.InetAddress.getByName(host), port);
  }

  /**
   * The answer for a name and type, asking at most once per run. The first asker sends the question
   * (waiting for room under the bound on questions in flight), outside the map's lock: other askers
   * of any name are never held up by it.
   */
  public CompletableFuture<DnsAnswer> ask(String name, int type) {
    String lower = name.toLowerCase(Locale.ROOT);
    // The name with or without its final dot is one question; no expression is compiled for it.
    if (lower.endsWith(".")) {
      lower = lower.substring(0, lower.length() - 1);
    }
    String key = lower + "/" + Type.string(type);
    CompletableFuture<DnsAnswer> known = asked.get(key);
    if (known != null) {
      return known;
    }
    CompletableFuture<DnsAnswer> mine = new CompletableFuture<>();
    known = asked.putIfAbsent(key, mine);
    if (known != null) {
      return known;
    }
    send(name, type)
        .whenComplete(
            (answer, error) ->
                mine.complete(
                    error == null
                        ? answer
                        : new DnsAnswer.Failed(
                            "DNS error from "
                                + servers
                                + ": unexpected "
                                + error.getClass().getSimpleName())));
    return mine;
  }

  /** Blocking form of {@link #ask}. */
  public DnsAnswer get(String name, int type) {
    return ask(name, type).join();
  }

  private CompletableFuture<DnsAnswer> send(String name, int type) {
    Name n;
    try {
      n = Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      return CompletableFuture.completedFuture(
          new DnsAnswer.Failed("'" + name + "' is not a DNS name"));
    }
    try {
      inFlight.acquire();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.completedFuture(new DnsAnswer.Failed("interrupted"));
    }
    CompletableFuture<LookupResult> lookup;
    try {
      lookup = session.lookupAsync(n, type).toCompletableFuture();
    } catch (RuntimeException e) {
      lookup = CompletableFuture.failedFuture(e);
    }
    return lookup.handle(
        (result, error) -> {
          inFlight.release();
          return error == null ? records(result) : failure(name, error);
        });
  }

  private static DnsAnswer records(LookupResult r) {
    return r.getRecords().isEmpty()
        ? new DnsAnswer.NoData(r.getAliases())
        : new DnsAnswer.Records(r.getRecords(), r.getAliases());
  }

  /** Why a question got no answer, naming the servers asked and how long each had. */
  private DnsAnswer failure(String name, Throwable error) {
    Throwable e =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    if (e instanceof org.xbill.DNS.lookup.RedirectOverflowException) {
      // A CNAME (or DNAME) chain that comes back to itself, or longer than any resolver follows:
      // receivers' resolvers give up on it too (RFC 1034 section 3.6.2: "CNAME chains should be
      // followed and CNAME loops signalled as an error").
      return new DnsAnswer.Failed(
          "the CNAME chain from "
              + name
              + (e instanceof org.xbill.DNS.lookup.RedirectLoopException
                  ? " loops back on itself"
                  : " is too long to follow"),
          true);
    }
    if (e instanceof NoSuchDomainException) {
      return new DnsAnswer.NoSuchDomain(List.of());
    }
    if (e instanceof NoSuchRRSetException) {
      return new DnsAnswer.NoData(List.of());
    }
    if (e instanceof ServerFailedException) {
      return new DnsAnswer.Failed("the DNS server failed (SERVFAIL)");
    }
    String what = e.getMessage() == null ? "" : e.getMessage();
    if (what.toLowerCase(Locale.ROOT).contains("timed out")
        || e instanceof java.util.concurrent.TimeoutException) {
      return new DnsAnswer.Failed(
          "no answer from "
              + servers
              + " within "
              + org.mailassure.config.Durations.format(timeout));
    }
    if (e instanceof java.net.PortUnreachableException || e instanceof java.net.ConnectException) {
      return new DnsAnswer.Failed(servers + " refused the question (no DNS server listens there)");
    }
    return new DnsAnswer.Failed(
        "DNS error from "
            + servers
            + ": "
            + (what.isBlank()
                ? "the exchange failed (" + e.getClass().getSimpleName() + ")"
                : what));
  }
}
