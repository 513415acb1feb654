package org.mailassure.testing;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;
import org.xbill.DNS.Type;

/**
 * A real authoritative DNS server over UDP on 127.0.0.1 and an ephemeral port, serving records
 * added in code: answers with CNAME chains followed inside its data, NXDOMAIN for unknown names,
 * NOERROR/no data for known names without the type, SERVFAIL or silence (a timeout) for names set
 * so, and an optional delay before every answer. Counts the questions per name. For tests,
 * benchmarks and demos; it never listens beyond loopback.
 */
public final class LoopbackDns implements AutoCloseable {
  private final DatagramSocket socket;
  private final Map<Name, List<Record>> zone = new ConcurrentHashMap<>();
  private final Set<Name> servfail = ConcurrentHashMap.newKeySet();
  private final Set<Name> silent = ConcurrentHashMap.newKeySet();
  private final Map<String, AtomicLong> asked = new ConcurrentHashMap<>();

  /** Guarded by itself: a question's snapshot and its own entry are taken as one step. */
  private final Set<String> unanswered = new java.util.HashSet<>();

  private final Map<String, Set<String>> unansweredWhenAsked = new ConcurrentHashMap<>();
  private final ExecutorService workers = Executors.newFixedThreadPool(4, daemon("loopback-dns"));
  private final ScheduledExecutorService delayer =
      Executors.newScheduledThreadPool(2, daemon("loopback-dns-delay"));
  private volatile Duration delay = Duration.ZERO;
  private final Thread reader;
  private final java.net.ServerSocket tcp;

  public LoopbackDns() throws IOException {
    // Answers too big for UDP are truncated (TC) and asked again over TCP on the same port (RFC
    // 7766).
    // The UDP port is ephemeral; its TCP twin may already be taken by another socket, so a pair
    // that
    // cannot be had is let go and another ephemeral port tried.
    DatagramSocket udp = null;
    java.net.ServerSocket stream = null;
    for (int attempt = 1; stream == null; attempt++) {
      udp = new DatagramSocket(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      java.net.ServerSocket s = new java.net.ServerSocket();
      try {
        s.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), udp.getLocalPort()));
        stream = s;
      } catch (java.net.BindException e) {
        s.close();
        udp.close();
        if (attempt == 20) {
          throw e;
        }
      }
    }
    socket = udp;
    tcp = stream;
    reader = new Thread(this::serve, "loopback-dns-reader");
    reader.setDaemon(true);
    reader.start();
    Thread tcpReader = new Thread(this::serveTcp, "loopback-dns-tcp");
    tcpReader.setDaemon(true);
    tcpReader.start();
  }

  private void serveTcp() {
    while (!tcp.isClosed()) {
      try {
        java.net.Socket s = tcp.accept();
        workers.execute(
            () -> {
              try (s) {
                var in = new java.io.DataInputStream(s.getInputStream());
                var out = new java.io.DataOutputStream(s.getOutputStream());
                while (true) {
                  int len = in.readUnsignedShort();
                  byte[] q = in.readNBytes(len);
                  Message query = new Message(q);
                  Record question = query.getQuestion();
                  count(question);
                  if (silent.contains(question.getName())) {
                    return;
                  }
                  byte[] r = respond(query, question).toWire();
                  out.writeShort(r.length);
                  out.write(r);
                  out.flush();
                }
              } catch (IOException e) {
                // the asker closed the connection
              }
            });
      } catch (IOException e) {
        return;
      }
    }
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** {@code 127.0.0.1:port}, for {@code readiness.dns-servers}. */
  public String address() {
    return "127.0.0.1:" + socket.getLocalPort();
  }

  /**
   * Adds a record: owner name, type and data in presentation form, e.g. {@code
   * add("example.gov.uk", "TXT", "\"v=spf1 -all\"")} or {@code add("mx.example", "A",
   * "127.0.0.1")}.
   */
  public LoopbackDns add(String owner, String type, String rdata) {
    try {
      Name name = name(owner);
      Record r = Record.fromString(name, Type.value(type), DClass.IN, 300, rdata, Name.root);
      zone.computeIfAbsent(name, k -> new java.util.concurrent.CopyOnWriteArrayList<>()).add(r);
      return this;
    } catch (IOException e) {
      throw new IllegalArgumentException("not a record: " + owner + " " + type + " " + rdata, e);
    }
  }

  /** A TXT record whose text is split into 255-byte strings as DNS requires. */
  public LoopbackDns txt(String owner, String text) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < text.length(); i += 255) {
      b.append('"')
          .append(text.substring(i, Math.min(text.length(), i + 255)).replace("\"", "\\\""))
          .append("\" ");
    }
    return add(owner, "TXT", b.toString().strip());
  }

  /** Answers questions about {@code name} with SERVFAIL. */
  public LoopbackDns servfail(String name) {
    servfail.add(name(name));
    return this;
  }

  /** Never answers questions about {@code name}, so askers time out. */
  public LoopbackDns silent(String name) {
    silent.add(name(name));
    return this;
  }

  public LoopbackDns delay(Duration delay) {
    this.delay = delay;
    return this;
  }

  private final Map<String, AtomicLong> questions = new ConcurrentHashMap<>();

  private void count(Record question) {
    String n = question.getName().toString().toLowerCase(Locale.ROOT);
    asked.computeIfAbsent(n, k -> new AtomicLong()).incrementAndGet();
    questions
        .computeIfAbsent(n + " " + Type.string(question.getType()), k -> new AtomicLong())
        .incrementAndGet();
  }

  /**
   * The questions ({@code "name. TYPE"}) that were still unanswered when this one first arrived
   * over UDP: which questions a client had out together.
   */
  public Set<String> unansweredWhenAsked(String name, String type) {
    String n = (name.endsWith(".") ? name : name + ".").toLowerCase(Locale.ROOT);
    return unansweredWhenAsked.getOrDefault(n + " " + type, Set.of());
  }

  /**
   * Forgets every question counted so far (for a benchmark that warms the server up before the run
   * it measures).
   */
  public void resetCounts() {
    questions.clear();
    asked.clear();
    unansweredWhenAsked.clear();
  }

  /** How many times a name was asked about, for any type. */
  public long asked(String name) {
    return asked
        .getOrDefault(name(name).toString().toLowerCase(Locale.ROOT), new AtomicLong())
        .get();
  }

  /** Every (name, type) asked so far, as {@code "name. TYPE"}. */
  public Set<String> questionsAsked() {
    return Set.copyOf(questions.keySet());
  }

  /** Questions received in all (UDP and TCP). */
  public long questions() {
    return questions.values().stream().mapToLong(AtomicLong::get).sum();
  }

  /** The most times one (name, type) was asked. */
  public long mostAskedQuestion() {
    return questions.values().stream().mapToLong(AtomicLong::get).max().orElse(0);
  }

  private static Name name(String name) {
    try {
      return Name.fromString(name.endsWith(".") ? name : name + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(name, e);
    }
  }

  private void serve() {
    byte[] buf = new byte[4096];
    while (!socket.isClosed()) {
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      try {
        socket.receive(packet);
      } catch (IOException e) {
        return;
      }
      byte[] data = java.util.Arrays.copyOf(packet.getData(), packet.getLength());
      InetSocketAddress from = (InetSocketAddress) packet.getSocketAddress();
      workers.execute(() -> answer(data, from));
    }
  }

  private void answer(byte[] data, InetSocketAddress from) {
    try {
      Message query = new Message(data);
      Record question = query.getQuestion();
      count(question);
      String key =
          question.getName().toString().toLowerCase(Locale.ROOT)
              + " "
              + Type.string(question.getType());
      // Two workers may take questions that arrived together; without the lock each could copy
      // the set before the other had added itself, and neither would see the other.
      synchronized (unanswered) {
        unansweredWhenAsked.putIfAbsent(key, Set.copyOf(unanswered));
        unanswered.add(key);
      }
      if (silent.contains(question.getName())) {
        return;
      }
      Message response = respond(query, question);
      int size = query.getOPT() == null ? 512 : Math.max(512, query.getOPT().getPayloadSize());
      byte[] out = response.toWire(size);
      Runnable send =
          () -> {
            synchronized (unanswered) {
              unanswered.remove(key);
            }
            try {
              socket.send(new DatagramPacket(out, out.length, from));
            } catch (IOException e) {
              // the asker has gone
            }
          };
      if (delay.isZero()) {
        send.run();
      } else {
        delayer.schedule(send, delay.toMillis(), TimeUnit.MILLISECONDS);
      }
    } catch (IOException e) {
      // not a DNS message; ignore it
    }
  }

  private Message respond(Message query, Record question) {
    Message response = new Message(query.getHeader().getID());
    response.getHeader().setFlag(Flags.QR);
    response.getHeader().setFlag(Flags.AA);
    if (query.getHeader().getFlag(Flags.RD)) {
      response.getHeader().setFlag(Flags.RD);
      response.getHeader().setFlag(Flags.RA);
    }
    response.addRecord(question, Section.QUESTION);
    Name name = question.getName();
    if (servfail.contains(name)) {
      response.getHeader().setRcode(Rcode.SERVFAIL);
      return response;
    }
    List<Record> answers = new ArrayList<>();
    for (int hops = 0; hops < 8; hops++) {
      List<Record> here = zone.get(name);
      if (here == null) {
        if (answers.isEmpty()) {
          response.getHeader().setRcode(Rcode.NXDOMAIN);
        }
        break;
      }
      List<Record> matching = here.stream().filter(r -> r.getType() == question.getType()).toList();
      if (!matching.isEmpty()) {
        answers.addAll(matching);
        break;
      }
      Record cname = here.stream().filter(r -> r.getType() == Type.CNAME).findFirst().orElse(null);
      if (cname == null) {
        break;
      }
      answers.add(cname);
      name = ((CNAMERecord) cname).getTarget();
      if (servfail.contains(name) || silent.contains(name)) {
        break;
      }
    }
    answers.forEach(r -> response.addRecord(r, Section.ANSWER));
    return response;
  }

  @Override
  public void close() {
    socket.close();
    try {
      tcp.close();
    } catch (IOException e) {
      // closing anyway
    }
    workers.shutdownNow();
    delayer.shutdownNow();
  }
}
