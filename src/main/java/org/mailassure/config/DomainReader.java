package org.mailassure.config;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.keys.PemKeys;

/**
 * Reads the {@code domains} list: names, mailboxes, senders, DKIM keys and per-domain overrides.
 */
final class DomainReader {
  static final Set<String> DOMAIN =
      Set.of("name", "mailbox", "sender", "dkim", "selectors", "rule", "probe", "smtp");
  static final Set<String> DKIM = Set.of("selector", "private-key-file");
  private static final int MIN_RSA_BITS = 2048;

  private final Problems problems;
  private final FileChecks files;
  private final SmtpSettings smtp;

  DomainReader(Problems problems, FileChecks files, SmtpSettings smtp) {
    this.problems = problems;
    this.files = files;
    this.smtp = smtp;
  }

  List<DomainSettings> read(Section top) {
    if (!top.has("domains")) {
      problems.add(
          top.location(),
          "domains",
          "there is no 'domains' list",
          "add 'domains:' with at least one '- name: example.gov.uk' and its mailbox");
      return List.of();
    }
    List<YamlNode> items = top.items("domains");
    if (items.isEmpty() && problems.isEmpty()) {
      top.problem(
          "domains", "the list is empty", "add at least one domain with its name and mailbox");
    }
    List<DomainSettings> out = new ArrayList<>();
    Map<String, Integer> seenAtLine = new HashMap<>();
    for (int i = 0; i < items.size(); i++) {
      Section d = Section.of(problems, "domains[" + i + "]", items.get(i), DOMAIN);
      if (d == null) {
        continue;
      }
      DomainSettings domain = readOne(d);
      if (domain == null) {
        continue;
      }
      Integer first = seenAtLine.putIfAbsent(domain.name(), d.at("name").line());
      if (first != null) {
        d.problem(
            "name",
            "the domain " + domain.name() + " is listed twice (first at line " + first + ")",
            "list each domain once");
        continue;
      }
      out.add(domain);
    }
    return out;
  }

  private DomainSettings readOne(Section d) {
    String name = d.text("name", null);
    if (name == null) {
      d.problem("name", "is required", "add 'name:' with the email domain, e.g. example.gov.uk");
      return null;
    }
    name = name.toLowerCase(Locale.ROOT);
    if (!Names.isDomainName(name)) {
      String instead = Names.instead(name);
      String fix;
      if (instead.isEmpty()) {
        fix = "write the email domain, e.g. example.gov.uk";
      } else if (name.strip().endsWith(".")) {
        fix = "write " + instead + ", without the final dot";
      } else {
        fix = "write " + instead + ", its A-label form, as DNS and mail carry it";
      }
      d.problem("name", "'" + name + "' is not a domain name", fix);
      return null;
    }
    boolean rule = d.bool("rule", true);
    boolean probe = d.bool("probe", true);
    String mailbox = address(d, "mailbox", name);
    String sender = address(d, "sender", name);
    if (mailbox == null && !d.has("mailbox") && (rule || sender == null)) {
      d.problem(
          "mailbox",
          "is required" + (rule ? " (it holds the inbox rule)" : " when no sender is given"),
          "add 'mailbox:' with the domain's shared mailbox, e.g. secureemailreply@" + name);
    }
    if (sender == null) {
      sender = mailbox;
    }
    List<DkimKey> keys = readDkim(d);
    LinkedHashSet<String> selectors = new LinkedHashSet<>();
    List<String> given = d.texts("selectors");
    for (String s : given) {
      if (!Names.isSelector(s)) {
        d.problem(
            "selectors", "'" + s + "' is not a DKIM selector", "use DNS labels such as selector1");
      }
      selectors.add(s.toLowerCase(Locale.ROOT));
    }
    if (!d.has("selectors")) {
      selectors.add("selector1");
      selectors.add("selector2");
    }
    for (DkimKey k : keys) {
      selectors.add(k.selector());
    }
    Section override = d.section("smtp", SmtpReader.KEYS);
    SmtpSettings effective = override == null ? smtp : new SmtpReader(files).read(override, smtp);
    return new DomainSettings(
        name, mailbox, sender, keys, List.copyOf(selectors), rule, probe, effective);
  }

  private static String address(Section d, String key, String domain) {
    String a = d.text(key, null);
    if (a == null) {
      return null;
    }
    if (!Names.isAddress(a)) {
      d.problem(
          key,
          "'" + a + "' is not an email address",
          "write a plain address such as secureemailreply@" + domain);
      return null;
    }
    if (!Names.domainOf(a).equals(domain)) {
      d.problem(
          key,
          "'" + a + "' is not in the domain " + domain,
          "use an address @" + domain + ": the probe must come from the domain it proves");
      return null;
    }
    return a.substring(0, a.lastIndexOf('@') + 1) + Names.domainOf(a);
  }

  private List<DkimKey> readDkim(Section d) {
    List<DkimKey> keys = new ArrayList<>();
    List<YamlNode> items = d.items("dkim");
    for (int i = 0; i < items.size(); i++) {
      Section k = Section.of(problems, d.keyPath("dkim") + "[" + i + "]", items.get(i), DKIM);
      if (k == null) {
        continue;
      }
      String selector = k.text("selector", null);
      if (selector == null) {
        k.problem("selector", "is required", "add 'selector:', e.g. mailassure1");
        continue;
      }
      selector = selector.toLowerCase(Locale.ROOT);
      if (!Names.isSelector(selector)) {
        k.problem(
            "selector",
            "'" + selector + "' is not a DKIM selector",
            "use DNS labels such as mailassure1");
        continue;
      }
      if (hasSelector(keys, selector)) {
        k.problem(
            "selector",
            "the selector " + selector + " is used twice in this domain",
            "give each key its own selector");
        continue;
      }
      String fileText = k.text("private-key-file", null);
      if (fileText == null) {
        k.problem(
            "private-key-file",
            "is required",
            "name the PKCS#8 PEM private key, e.g. from 'mailassure dkim keygen'");
        continue;
      }
      Path file = files.existing(k, "private-key-file", fileText, true);
      if (file == null) {
        continue;
      }
      DkimKey key = loadKey(k, selector, file);
      if (key != null) {
        keys.add(key);
      }
    }
    boolean hasEd = false;
    boolean hasRsa = false;
    for (DkimKey k : keys) {
      hasEd |= k.algorithm() == DkimAlgorithm.ED25519_SHA256;
      hasRsa |= k.algorithm() == DkimAlgorithm.RSA_SHA256;
    }
    if (hasEd && !hasRsa) {
      d.problem(
          "dkim",
          "an Ed25519 key is accepted only beside an RSA key",
          "add an RSA key (2048 bits or more): many receivers ignore ed25519-sha256 signatures (RFC 8463)");
    }
    return keys;
  }

  private static boolean hasSelector(List<DkimKey> keys, String selector) {
    for (DkimKey k : keys) {
      if (k.selector().equals(selector)) {
        return true;
      }
    }
    return false;
  }

  private static DkimKey loadKey(Section k, String selector, Path file) {
    try {
      PemKeys.LoadedKey loaded =
          PemKeys.readPrivateKey(
              org.mailassure.text.SmallFiles.readAscii(file, FileChecks.MAX_FILE_BYTES));
      if (loaded.algorithm() == DkimAlgorithm.RSA_SHA256 && loaded.bits() < MIN_RSA_BITS) {
        k.problem(
            "private-key-file",
            "the RSA key in " + file + " has " + loaded.bits() + " bits",
            "use an RSA key of at least "
                + MIN_RSA_BITS
                + " bits (NCSC guidance; RFC 8301 forbids under 1024)");
        return null;
      }
      return new DkimKey(selector, file, loaded.algorithm(), loaded.key());
    } catch (java.nio.charset.CharacterCodingException e) {
      k.problem(
          "private-key-file",
          "the file " + file + " is not a PEM key: it holds bytes that are not text (a DER key?)",
          "convert it: 'openssl pkcs8 -topk8 -nocrypt -inform DER -in KEY.der -out KEY.pem'");
    } catch (IOException e) {
      k.problem(
          "private-key-file",
          "the file "
              + file
              + " cannot be read ("
              + org.mailassure.text.Words.whyUnreadable(e)
              + ")",
          "check its permissions");
    } catch (IllegalArgumentException e) {
      k.problem(
          "private-key-file", "the file " + file + " is not a usable key: " + e.getMessage(), "");
    }
    return null;
  }
}
