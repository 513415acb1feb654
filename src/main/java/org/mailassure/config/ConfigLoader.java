package org.mailassure.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.mailassure.config.ProbeSettings.TransportKind;
import org.mailassure.config.SmtpSettings.SmtpAuthKind;
import org.mailassure.config.YamlNode.Location;

/**
 * Loads a mailassure YAML file into an immutable {@link Config}: applies defaults, checks every
 * value, checks the file as a whole (a graph transport needs a {@code graph} section, senders sit
 * in their domains, domains are unique) and reports all problems at once with file, line, column
 * and key. Thread-safe; holds no mutable state.
 */
public final class ConfigLoader {
  static final Set<String> TOP =
      Set.of(
          "assessment-address",
          "state-dir",
          "state",
          "graph",
          "rule",
          "probe",
          "readiness",
          "connectors",
          "domains");
  static final Set<String> GRAPH = Set.of("tenant-id", "cloud", "base-url", "auth");
  static final Set<String> AUTH =
      Set.of(
          "type", "client-id", "client-secret-file", "certificate-file", "token-env", "token-file");
  static final Set<String> RULE =
      Set.of("name", "action", "poll", "reply-text", "max-replies-per-day", "mark-as-read");
  static final Set<String> PROBE =
      Set.of("schedule", "time-zone", "catch-up", "transport", "subject", "retry", "smtp");
  static final Set<String> RETRY = Set.of("attempts", "backoff", "max-backoff");
  static final Set<String> READINESS = Set.of("dns-servers", "timeout", "dmarc-rua", "tls-rpt-rua");
  static final Set<String> CONNECTOR = Set.of("name", "domains", "secure-domain-list");

  /**
   * Compiled on first use, when a config names DNS servers: a config without them compiles no
   * regular expression at all, the first of which costs milliseconds of start-up (README,
   * Benchmarks).
   */
  private static final class DnsServer {
    static final Pattern PATTERN =
        Pattern.compile(
            "(\\d{1,3}(?:\\.\\d{1,3}){3}|\\[[0-9A-Fa-f:.]+]|[0-9A-Fa-f:]+:[0-9A-Fa-f:.]*)(?::(\\d{1,5}))?");
  }

  private final Map<String, String> environment;
  private final boolean root;
  private final ServiceAccount service;

  /**
   * @param environment the process environment, read only for {@code STATE_DIRECTORY}
   * @param root whether the process runs as root (chooses the default state directory)
   */
  public ConfigLoader(Map<String, String> environment, boolean root) {
    this(environment, root, null);
  }

  /**
   * @param service the installed service's account, whose view of every file the config names is
   *     checked too (see {@link ServiceAccount}); null for none
   */
  public ConfigLoader(Map<String, String> environment, boolean root, ServiceAccount service) {
    this.environment = Map.copyOf(environment);
    this.root = root;
    this.service = service;
  }

  /** Far above any real config (1,000 domains take about 150 KB); checked before reading. */
  static final long MAX_CONFIG_BYTES = 4L << 20;

  /** The longest a readiness question or policy fetch may be given. */
  static final Duration MAX_READINESS_TIMEOUT = Duration.ofMinutes(2);

  /** The file's text as UTF-8, or the offset and line of the first byte that is not UTF-8. */
  static String decode(Path file, byte[] bytes) throws ConfigException {
    if (bytes.length >= 2
        && ((bytes[0] == (byte) 0xFE && bytes[1] == (byte) 0xFF)
            || (bytes[0] == (byte) 0xFF && bytes[1] == (byte) 0xFE))) {
      throw new ConfigException(
          "config file "
              + file
              + " is UTF-16 (it starts with a UTF-16 byte-order mark); save it as"
              + " UTF-8");
    }
    java.nio.ByteBuffer in = java.nio.ByteBuffer.wrap(bytes);
    java.nio.CharBuffer out = java.nio.CharBuffer.allocate(bytes.length);
    java.nio.charset.CoderResult r =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
            .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
            .decode(in, out, true);
    if (r.isError()) {
      int offset = in.position();
      int line = 1;
      for (int i = 0; i < offset; i++) {
        if (bytes[i] == '\n') {
          line++;
        }
      }
      throw new ConfigException(
          String.format(
              java.util.Locale.ROOT,
              "config file %s is not UTF-8: the byte 0x%02X at offset %d (line %d) is not valid"
                  + " UTF-8; save the file as UTF-8",
              file,
              bytes[offset] & 0xff,
              offset,
              line));
    }
    return out.flip().toString();
  }

  /** Loads and validates a config file. */
  public Config load(Path file) throws ConfigException {
    String text = readText(file);
    if (text.contains("private-key-file") || text.contains("trust-store")) {
      // The JDK's cryptography starts on another core while the domains before the first key
      // are read: `validate` of 200 domains with RSA keys 4 to 9% faster (README, Benchmarks).
      org.mailassure.keys.PemKeys.prepareInBackground();
    }
    return parse(text, file);
  }

  /**
   * The domains, mailboxes and DKIM selectors a config names, read without checking anything else
   * it says or opening any file it names: what {@code dkim keygen} needs to make the key a config
   * already expects, and {@code demo} to run with the config's domains. The file itself is read as
   * {@link #load} reads it (the same bounds, the same refusal of a file others can change); a
   * document that is not YAML is the only other error. An entry this cannot make sense of (a domain
   * without a name, a selector that is not one) is left out: {@code validate} reports it.
   */
  public ConfigOutline outline(Path file) throws ConfigException {
    String text = readText(file);
    Problems problems = new Problems(file.toString());
    YamlNode root = new YamlReader(file.toString(), problems.list()).read(text);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.list());
    }
    FileChecks files =
        new FileChecks(
            problems,
            file.toAbsolutePath().getParent(),
            environment.get("CREDENTIALS_DIRECTORY"),
            null);
    List<ConfigOutline.Domain> domains = new ArrayList<>();
    if (root instanceof YamlNode.Mapping top
        && top.entries().get("domains") != null
        && top.entries().get("domains").value() instanceof YamlNode.Sequence list) {
      for (YamlNode item : list.items()) {
        if (!(item instanceof YamlNode.Mapping d)) {
          continue;
        }
        String name = scalar(d, "name");
        if (name == null || !Names.isDomainName(name.toLowerCase(Locale.ROOT))) {
          continue;
        }
        List<ConfigOutline.Key> keys = new ArrayList<>();
        if (d.entries().get("dkim") != null
            && d.entries().get("dkim").value() instanceof YamlNode.Sequence dkim) {
          for (YamlNode k : dkim.items()) {
            if (!(k instanceof YamlNode.Mapping key)) {
              continue;
            }
            String selector = scalar(key, "selector");
            String keyFile = scalar(key, "private-key-file");
            // A systemd credential's path is known only inside the service; such a key is left
            // out when the directory is not set.
            boolean unresolvable =
                keyFile != null
                    && keyFile.startsWith(FileChecks.CREDENTIALS)
                    && environment.get("CREDENTIALS_DIRECTORY") == null;
            if (selector != null
                && Names.isSelector(selector.toLowerCase(Locale.ROOT))
                && keyFile != null
                && !unresolvable) {
              keys.add(
                  new ConfigOutline.Key(
                      selector.toLowerCase(Locale.ROOT),
                      files.resolve(keyFile).toAbsolutePath().normalize()));
            }
          }
        }
        domains.add(
            new ConfigOutline.Domain(name.toLowerCase(Locale.ROOT), scalar(d, "mailbox"), keys));
      }
    }
    return new ConfigOutline(file, domains);
  }

  /** A mapping's key as text, or null when it is absent, empty or not a scalar. */
  private static String scalar(YamlNode.Mapping m, String key) {
    YamlNode.Entry e = m.entries().get(key);
    return e != null && e.value() instanceof YamlNode.Scalar s && !s.isNull() && !s.text().isBlank()
        ? s.text().strip()
        : null;
  }

  /** The config file's text, refused as {@link #load} refuses it (see there). */
  private String readText(Path file) throws ConfigException {
    String text;
    try {
      if (Files.isDirectory(file)) {
        throw new ConfigException(
            "config file "
                + file
                + " is a directory; name the file, e.g. "
                + file.resolve("mailassure.yaml"));
      }
      if (Files.exists(file) && !Files.isRegularFile(file)) {
        throw new ConfigException(
            "config file " + file + " is not a regular file (a FIFO or device?); name the file");
      }
      String others = whoElseCanChange(file, root);
      if (others != null) {
        throw new ConfigException(others);
      }
      long size = Files.size(file);
      if (size > MAX_CONFIG_BYTES) {
        throw new ConfigException(
            "config file "
                + file
                + " is "
                + size
                + " bytes; a mailassure config is at most "
                + (MAX_CONFIG_BYTES >> 20)
                + " MiB, so this is not one: name the right file");
      }
      byte[] bytes;
      try {
        bytes = org.mailassure.text.SmallFiles.read(file, (int) MAX_CONFIG_BYTES);
      } catch (org.mailassure.text.SmallFiles.TooLarge e) {
        throw new ConfigException(
            "config file "
                + file
                + " grew past "
                + (MAX_CONFIG_BYTES >> 20)
                + " MiB while it was read; name the right file, or wait until whatever writes it"
                + " has finished");
      }
      text = decode(file, bytes);
    } catch (NoSuchFileException e) {
      throw new ConfigException(
          "config file "
              + file
              + " does not exist; create it from "
              + ExampleConfig.path()
              + " or name another with -c FILE");
    } catch (IOException e) {
      throw new ConfigException(
          "config file "
              + file
              + " cannot be read ("
              + org.mailassure.text.Words.whyUnreadable(e)
              + "); check its permissions");
    }
    if (service != null) {
      var why = service.cannotRead(file);
      if (why.isPresent()) {
        throw new ConfigException(
            "config file " + file + ": " + why.get()[0] + "; " + why.get()[1]);
      }
    }
    return text;
  }

  /**
   * Why someone other than its owner could change what the config says, or null. Whoever can change
   * it chooses where the domains' DKIM-signed probes go (the relay and its trust store) and which
   * host receives a Graph token ({@code base-url}), so, as OpenSSH refuses such files, a config is
   * refused when every user can write it or its directory (unless that directory is sticky, as /tmp
   * is, where no one replaces another's file); and when root runs mailassure, also when it belongs
   * to another user, or a group other than root's can write it or its directory. Symlinks are
   * followed: the file read is the one checked.
   */
  static String whoElseCanChange(Path file, boolean root) throws IOException {
    String[] whose = othersCanChange(file, root);
    if (whose == null) {
      return null;
    }
    return "config file "
        + file
        + " is not used: "
        + whose[0]
        + ", who could send the domains' signed probes or a Graph token elsewhere; "
        + whose[1];
  }

  /**
   * Who besides its owner can change a file the config trusts (the file itself, or the directory it
   * lies in), and the command that stops it; null for no one. See {@link #whoElseCanChange}.
   */
  static String[] othersCanChange(Path file, boolean root) throws IOException {
    Path real = file.toRealPath();
    String[] whose = writersBesidesOwner(real, root, false);
    if (whose == null && real.getParent() != null) {
      whose = writersBesidesOwner(real.getParent(), root, true);
    }
    return whose;
  }

  /** Who else can change {@code p}, and the fix; null for no one. */
  private static String[] writersBesidesOwner(Path p, boolean root, boolean directory)
      throws IOException {
    var a = Files.readAttributes(p, java.nio.file.attribute.PosixFileAttributes.class);
    int mode = ((Number) Files.getAttribute(p, "unix:mode")).intValue();
    long owner = ((Number) Files.getAttribute(p, "unix:uid")).longValue();
    long group = ((Number) Files.getAttribute(p, "unix:gid")).longValue();
    boolean sticky = directory && (mode & 01000) != 0;
    String what = directory ? "its directory " + p : "it";
    String arg = org.mailassure.text.Shell.arg(p);
    if ((mode & 0002) != 0 && !sticky) {
      return new String[] {what + " can be changed by every user", "run 'chmod o-w " + arg + "'"};
    }
    if (root && owner != 0) {
      return new String[] {
        what + " belongs to " + a.owner().getName(),
        "run 'chown root " + arg + "' if root is to use it"
      };
    }
    if (root && (mode & 0020) != 0 && group != 0 && !sticky) {
      return new String[] {
        what + " can be changed by the group " + a.group().getName(), "run 'chmod g-w " + arg + "'"
      };
    }
    return null;
  }

  /** Validates config text as if read from {@code file} (relative paths resolve beside it). */
  public Config parse(String text, Path file) throws ConfigException {
    Problems problems = new Problems(file.toString());
    YamlNode root = new YamlReader(file.toString(), problems.list()).read(text);
    if (root == null) {
      if (problems.isEmpty()) {
        problems.add(
            new Location(1, 1),
            "",
            "the file is empty",
            "start from " + ExampleConfig.path() + "; at least 'domains' is needed");
      }
      throw new ConfigException(problems.list());
    }
    Section top = Section.of(problems, "", root, TOP);
    if (top == null || top.foreign()) {
      throw new ConfigException(problems.list());
    }
    Path base = file.toAbsolutePath().getParent();
    FileChecks files =
        new FileChecks(problems, base, environment.get("CREDENTIALS_DIRECTORY"), service);
    Config config = read(top, files, file);
    if (!problems.isEmpty()) {
      throw new ConfigException(problems.list());
    }
    return config;
  }

  private Config read(Section top, FileChecks files, Path file) {
    String assessment = top.text("assessment-address", Config.DEFAULT_ASSESSMENT_ADDRESS);
    if (!Names.isAddress(assessment)) {
      top.problem(
          "assessment-address",
          "'" + assessment + "' is not an email address",
          "use the assessment service's address, " + Config.DEFAULT_ASSESSMENT_ADDRESS);
    }
    String stateText = top.text("state-dir", null);
    Path stateDir = stateText != null ? files.resolve(stateText) : defaultStateDir();
    if (root) {
      // As run and the store refuse it (StateDir.prepare), so validate says so first.
      String[] unsafe = org.mailassure.state.StateDir.everyUserCanWrite(stateDir);
      if (unsafe != null) {
        top.problem("state-dir", "'" + stateDir + "' " + unsafe[0], unsafe[1]);
      }
    }
    StateSettings state = StateReader.read(top.section("state", StateReader.KEYS), files);

    GraphSettings graph = GraphReader.read(top.section("graph", GRAPH), files);
    RuleSettings rule = readRule(top.section("rule", RULE));
    Section probeSection = top.section("probe", PROBE);
    ProbeSettings probe = readProbe(probeSection, files);
    ReadinessSettings readiness = readReadiness(top.section("readiness", READINESS));
    List<ConnectorSettings> connectors = readConnectors(top);
    List<DomainSettings> domains = new DomainReader(top.problems(), files, probe.smtp()).read(top);

    checkCredentialsNeeded(top, probeSection, probe, graph, domains);
    return new Config(
        file,
        assessment.toLowerCase(Locale.ROOT),
        stateDir,
        state,
        graph,
        rule,
        probe,
        readiness,
        connectors,
        domains);
  }

  private Path defaultStateDir() {
    String systemd = environment.get("STATE_DIRECTORY");
    if (systemd != null && !systemd.isBlank()) {
      return Path.of(systemd.split(":")[0]);
    }
    return root ? Path.of("/var/lib/mailassure") : Path.of("state").toAbsolutePath();
  }

  private ProbeSettings readProbe(Section p, FileChecks files) {
    String scheduleText = p == null ? "0 6 * * *" : p.text("schedule", "0 6 * * *");
    CronExpression cron = parseCron(p, scheduleText);
    ZoneId zone = ZoneId.of("Europe/London");
    String zoneText = p == null ? null : p.text("time-zone", null);
    if (zoneText != null) {
      try {
        zone = ZoneId.of(zoneText);
      } catch (DateTimeException e) {
        p.problem(
            "time-zone",
            "'" + zoneText + "' is not a time zone",
            "use an IANA name such as Europe/London or UTC");
      }
    }
    if (p != null && cron.next(java.time.LocalDateTime.of(2024, 1, 1, 0, 0)).isEmpty()) {
      p.problem(
          "schedule",
          "'" + scheduleText + "' never fires (no such date)",
          "choose days that exist, e.g. \"0 6 * * *\" for 06:00 daily");
    }
    Duration catchUp =
        p == null ? Duration.ofHours(6) : p.duration("catch-up", Duration.ofHours(6));
    TransportKind transport =
        p == null
            ? TransportKind.GRAPH
            : p.choice("transport", TransportKind.GRAPH, TransportKind.values());
    String subject =
        p == null
            ? ProbeSettings.DEFAULT_SUBJECT
            : p.text("subject", ProbeSettings.DEFAULT_SUBJECT);
    if (p != null) {
      checkSubject(p, subject);
    }
    RetryPolicy retry = readRetry(p == null ? null : p.section("retry", RETRY));
    SmtpSettings smtp = SmtpReader.defaults();
    if (p != null) {
      Section s = p.section("smtp", SmtpReader.KEYS);
      if (s != null) {
        smtp = new SmtpReader(files).read(s, smtp);
      }
    }
    return new ProbeSettings(cron, scheduleText, zone, catchUp, transport, subject, retry, smtp);
  }

  private static CronExpression parseCron(Section p, String text) {
    String fix =
        "write five fields: minute hour day-of-month month day-of-week, e.g. \"0 6 * * *\" for 06:00 daily";
    if (CronExpression.fields(text.trim()).length != 5) {
      if (p != null) {
        p.problem("schedule", "'" + text + "' does not have five fields", fix);
      }
      return CronExpression.parse("0 6 * * *");
    }
    try {
      return CronExpression.parse(text);
    } catch (IllegalArgumentException e) {
      if (p != null) {
        p.problem(
            "schedule",
            "'" + text + "' is not a valid cron expression (" + e.getMessage() + ")",
            fix);
      }
      return CronExpression.parse("0 6 * * *");
    }
  }

  /**
   * The names between braces, as the expression <code>\{([^}]*)}</code> finds them from left to
   * right: from a "{" to the next "}", which may hold other "{"s.
   */
  static List<String> placeholders(String text) {
    List<String> names = new ArrayList<>();
    int open = text.indexOf('{');
    while (open >= 0) {
      int close = text.indexOf('}', open + 1);
      if (close < 0) {
        break;
      }
      names.add(text.substring(open + 1, close));
      open = text.indexOf('{', close + 1);
    }
    return names;
  }

  private static void checkSubject(Section p, String subject) {
    if (subject.indexOf('\r') >= 0 || subject.indexOf('\n') >= 0) {
      p.problem("subject", "must be a single line", "remove the line breaks");
    }
    for (String name : placeholders(subject)) {
      if (!name.equals("domain") && !name.equals("time")) {
        p.problem("subject", "unknown placeholder {" + name + "}", "use {domain} and {time} only");
      }
    }
  }

  private static RuleSettings readRule(Section r) {
    RuleSettings d = RuleSettings.defaults();
    if (r == null) {
      return d;
    }
    RuleSettings.Action action = r.choice("action", d.action(), RuleSettings.Action.values());
    Duration poll = r.duration("poll", d.poll());
    if (poll.compareTo(RuleSettings.MIN_POLL) < 0) {
      r.problem(
          "poll",
          "is shorter than 1m",
          "look at most once a minute (Graph's mail limits are per mailbox); use e.g. 5m");
      poll = d.poll();
    }
    String text = r.text("reply-text", d.replyText());
    if (text.isBlank()) {
      r.problem("reply-text", "is empty", "write the reply's text, or leave the key out");
    } else if (text.length() > 4000) {
      r.problem("reply-text", "is longer than 4000 characters", "keep the reply short");
    }
    for (String name : placeholders(text)) {
      if (!name.equals("domain")) {
        r.problem("reply-text", "unknown placeholder {" + name + "}", "use {domain} only");
      }
    }
    int cap = r.integer("max-replies-per-day", d.maxRepliesPerDay(), 1, 1000);
    return new RuleSettings(
        r.text("name", d.name()), action, poll, text, cap, r.bool("mark-as-read", true));
  }

  private static RetryPolicy readRetry(Section r) {
    if (r == null) {
      return RetryPolicy.DEFAULT;
    }
    int attempts = r.integer("attempts", RetryPolicy.DEFAULT.attempts(), 1, 100);
    Duration backoff = r.duration("backoff", RetryPolicy.DEFAULT.backoff());
    Duration max = r.duration("max-backoff", RetryPolicy.DEFAULT.maxBackoff());
    if (backoff.isZero()) {
      r.problem("backoff", "must be more than 0", "use e.g. 1m");
      backoff = RetryPolicy.DEFAULT.backoff();
    }
    if (max.compareTo(backoff) < 0) {
      r.problem(
          "max-backoff",
          "is shorter than backoff (" + Durations.format(backoff) + ")",
          "make max-backoff at least as long as backoff");
      max = backoff;
    }
    return new RetryPolicy(attempts, backoff, max);
  }

  private static ReadinessSettings readReadiness(Section r) {
    List<String> dmarcDefault = List.of("mailto:dmarc-rua@dmarc.service.gov.uk");
    List<String> tlsDefault = List.of("mailto:tls-rua@mailcheck.service.ncsc.gov.uk");
    if (r == null) {
      return new ReadinessSettings(List.of(), Duration.ofSeconds(5), dmarcDefault, tlsDefault);
    }
    List<String> servers = r.texts("dns-servers");
    for (String s : servers) {
      Matcher m = DnsServer.PATTERN.matcher(s);
      if (!m.matches() || (m.group(2) != null && Integer.parseInt(m.group(2)) > 65535)) {
        r.problem(
            "dns-servers",
            "'" + s + "' is not an IP address with an optional port",
            "write e.g. 192.0.2.53 or 127.0.0.1:5353 (names are not allowed: they would need DNS)");
      }
    }
    Duration timeout = r.duration("timeout", Duration.ofSeconds(5));
    if (timeout.isZero()) {
      r.problem("timeout", "must be more than 0", "use e.g. 5s");
    } else if (timeout.compareTo(MAX_READINESS_TIMEOUT) > 0) {
      // Each DNS question and each policy fetch waits this long for a silent server: check would
      // seem to hang. RFC 8461 section 3.3 suggests one minute for a whole policy fetch, and
      // resolvers give up within seconds.
      r.problem(
          "timeout",
          "is longer than 2m: check would wait that long on every silent server",
          "use e.g. 5s (each DNS question and each MTA-STS policy fetch gets this long)");
    }
    List<String> dmarc = r.has("dmarc-rua") ? r.texts("dmarc-rua") : dmarcDefault;
    List<String> tls = r.has("tls-rpt-rua") ? r.texts("tls-rpt-rua") : tlsDefault;
    for (String d : dmarc) {
      if (!d.startsWith("mailto:")) {
        r.problem(
            "dmarc-rua",
            "'" + d + "' is not a mailto: URI",
            "write e.g. mailto:dmarc-rua@dmarc.service.gov.uk");
      }
    }
    for (String t : tls) {
      if (!t.startsWith("mailto:") && !t.startsWith("https://")) {
        r.problem(
            "tls-rpt-rua",
            "'" + t + "' is neither a mailto: nor an https: URI",
            "write e.g. mailto:tls-rua@mailcheck.service.ncsc.gov.uk");
      }
    }
    return new ReadinessSettings(servers, timeout, dmarc, tls);
  }

  private static List<ConnectorSettings> readConnectors(Section top) {
    List<ConnectorSettings> out = new ArrayList<>();
    List<YamlNode> items = top.items("connectors");
    for (int i = 0; i < items.size(); i++) {
      Section c = Section.of(top.problems(), "connectors[" + i + "]", items.get(i), CONNECTOR);
      if (c == null) {
        continue;
      }
      String name = c.text("name", null);
      if (name == null) {
        c.problem(
            "name",
            "is required",
            "give the connector's name as it should appear in Exchange Online");
        continue;
      }
      if (name.chars().anyMatch(Character::isISOControl)) {
        // It is printed into the PowerShell the admin runs, a comment line among others.
        c.problem(
            "name",
            "the connector name holds a line break or another control character",
            "write the name on one line, in plain characters");
        continue;
      }
      if (out.stream().anyMatch(o -> o.name().equals(name))) {
        c.problem(
            "name",
            "the connector name '" + name + "' is used twice",
            "give each connector its own name");
      }
      List<String> domains = c.texts("domains");
      for (String d : domains) {
        if (Names.tooBroadForMandatoryTls(d)) {
          c.problem(
              "domains",
              "'"
                  + d
                  + "' forces TLS to all of gov.uk or more, and many gov.uk domains cannot do"
                  + " TLS yet, so their mail would bounce",
              "list the domains (or *.domain wildcards) that must get TLS, e.g. *.gsi.gov.uk");
        }
      }
      String list = c.text("secure-domain-list", null);
      if (list != null && list.contains("://") && hasUserInfo(list)) {
        // Not echoed: it holds a secret.
        c.problem(
            "secure-domain-list",
            "the URL has a user name or password in it; secrets never go inline in the config",
            "remove it: the published list needs no credentials");
      } else if (list != null
          && list.regionMatches(true, 0, "http://", 0, 7)
          && !onThisMachine(list)) {
        c.problem(
            "secure-domain-list",
            "'" + list + "' is plain http: anyone on the way could change which domains get TLS",
            "use https:// (plain http only for a list served on this machine: 127.0.0.1, [::1]"
                + " or localhost)");
      }
      if (domains.isEmpty() && list == null) {
        c.problem(
            "domains",
            "the connector has no domains and no secure-domain-list",
            "add 'domains:' or 'secure-domain-list:'");
      }
      out.add(new ConnectorSettings(name, domains, list));
    }
    return out;
  }

  private static void checkCredentialsNeeded(
      Section top,
      Section probeSection,
      ProbeSettings probe,
      GraphSettings graph,
      List<DomainSettings> domains) {
    if (graph != null) {
      return;
    }
    boolean probes = false;
    for (DomainSettings d : domains) {
      probes |= d.probe();
    }
    if (probes && probe.transport() == TransportKind.GRAPH) {
      Location at =
          probeSection != null && probeSection.has("transport")
              ? probeSection.at("transport")
              : top.location();
      top.problems()
          .add(
              at,
              "graph",
              "probe.transport is graph but there is no 'graph' section",
              "add 'graph:' with tenant-id and auth, or set probe.transport: smtp");
    } else if (probes && probesWithXoauth2(domains)) {
      top.problems()
          .add(
              top.location(),
              "graph",
              "SMTP auth xoauth2 takes its token from graph.auth, but there is no 'graph' section",
              "add 'graph:' with tenant-id and auth, or set probe.smtp.auth to password or none");
    }
  }

  private static boolean probesWithXoauth2(List<DomainSettings> domains) {
    for (DomainSettings d : domains) {
      if (d.probe() && d.smtp().auth() == SmtpAuthKind.XOAUTH2) {
        return true;
      }
    }
    return false;
  }

  private static boolean hasUserInfo(String url) {
    try {
      return java.net.URI.create(url).getRawUserInfo() != null;
    } catch (IllegalArgumentException e) {
      return url.substring(url.indexOf("://") + 3).split("/", 2)[0].contains("@");
    }
  }

  /** Whether an http URL's host is this machine's loopback address, by name or number. */
  private static boolean onThisMachine(String url) {
    try {
      return Names.isLoopback(java.net.URI.create(url).getHost());
    } catch (IllegalArgumentException e) {
      return false;
    }
  }
}
