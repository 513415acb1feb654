package org.mailassure.cli;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.mailassure.config.ConfigException;
import org.mailassure.config.ConfigLoader;
import org.mailassure.config.ConfigLocator;
import org.mailassure.config.ConfigOutline;
import org.mailassure.config.Names;
import org.mailassure.config.ServiceAccount;
import org.mailassure.keys.DkimAlgorithm;
import org.mailassure.keys.PemKeys;
import org.mailassure.probe.dkim.DkimKeyRecord;
import org.mailassure.text.Shell;
import org.mailassure.text.Words;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code mailassure dkim keygen}: a DKIM key pair for local signing and the DNS record to publish.
 */
@Command(
    name = "dkim",
    mixinStandardHelpOptions = true,
    description = "DKIM keys for local signing.",
    subcommands = {DkimCommand.Keygen.class})
final class DkimCommand implements Runnable {
  @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new picocli.CommandLine.ParameterException(spec.commandLine(), "say 'dkim keygen'");
  }

  /** {@code dkim keygen}. */
  @Command(
      name = "keygen",
      footerHeading = "%nExamples:%n",
      footer = {
        "  mailassure dkim keygen --domain example.gov.uk --selector mailassure1 \\",
        "      --out /etc/mailassure/dkim"
      },
      exitCodeListHeading = "%nExit codes:%n",
      exitCodeList = {
        "0:the key was written and its record printed",
        "2:usage error (a file already there, a key the config already has, no such directory,"
            + " a config that cannot be read)"
      },
      mixinStandardHelpOptions = true,
      description =
          "Make a DKIM key pair: writes the PKCS#8 PEM private key (mode 0600, or 0640 for the"
              + " group mailassure in a directory of that group; never overwriting) and prints the"
              + " TXT record to publish at SELECTOR._domainkey.DOMAIN and the config snippet."
              + " A key the config names but does not have yet is written where it names it.")
  static final class Keygen implements Callable<Integer> {
    private final Context ctx;

    @Option(
        names = "--domain",
        required = true,
        paramLabel = "DOMAIN",
        description = "The email domain.")
    String domain;

    @Option(
        names = "--selector",
        required = true,
        paramLabel = "SELECTOR",
        description = "The DKIM selector, e.g. mailassure1.")
    String selector;

    @Option(
        names = "--type",
        paramLabel = "TYPE",
        description = "rsa (default) or ed25519 (only beside an RSA key).")
    String type = "rsa";

    @Option(
        names = "--bits",
        paramLabel = "BITS",
        description = "RSA key size: 2048 (default), 3072 or 4096.")
    int bits = 2048;

    @Option(
        names = "--out",
        paramLabel = "DIR",
        description = "Where to write the key. Default: the working directory.")
    Path out;

    @Option(names = "--json", description = "Print one JSON document on stdout instead of text.")
    boolean json;

    @Option(
        names = {"-c", "--config"},
        paramLabel = "FILE",
        description =
            "Config file, if any. Default: $MAILASSURE_CONFIG, ./mailassure.yaml,"
                + " $CONFIGURATION_DIRECTORY/mailassure.yaml, /etc/mailassure/mailassure.yaml. A"
                + " key it names for this domain and selector is written where it names it"
                + " (unless --out); one that exists already is refused.")
    Path config;

    Keygen(Context ctx) {
      this.ctx = ctx;
    }

    @Override
    public Integer call() throws Exception {
      String d = domain.toLowerCase(Locale.ROOT);
      String s = selector.toLowerCase(Locale.ROOT);
      if (!Names.isDomainName(d)) {
        String instead = Names.instead(d);
        throw new ConfigSource.UsageError(
            "--domain "
                + domain
                + ": not a domain name; "
                + (instead.isEmpty()
                    ? "give the email domain, e.g. example.gov.uk"
                    : "give " + instead + " instead"));
      }
      if (!Names.isSelector(s)) {
        throw new ConfigSource.UsageError(
            "--selector " + selector + ": not a DKIM selector; use DNS labels such as mailassure1");
      }
      DkimAlgorithm algorithm =
          switch (type.toLowerCase(Locale.ROOT)) {
            case "rsa" -> DkimAlgorithm.RSA_SHA256;
            case "ed25519" -> DkimAlgorithm.ED25519_SHA256;
            default -> throw new ConfigSource.UsageError("--type " + type + ": use rsa or ed25519");
          };
      if (algorithm == DkimAlgorithm.RSA_SHA256 && bits != 2048 && bits != 3072 && bits != 4096) {
        throw new ConfigSource.UsageError(
            "--bits "
                + bits
                + ": use 2048, 3072 or 4096 (under 2048 is below the NCSC's "
                + "minimum; over 4096 many receivers cannot verify)");
      }
      ConfigOutline outline = outline();
      Optional<ConfigOutline.Domain> inConfig =
          outline == null ? Optional.empty() : outline.domain(d);
      Optional<Path> named = inConfig.flatMap(x -> x.key(s)).map(ConfigOutline.Key::privateKeyFile);
      // The key goes where the config names it, unless --out says otherwise.
      boolean whereNamed = out == null && named.isPresent();
      if (named.isPresent() && exists(named.get())) {
        throw new ConfigSource.UsageError(
            outline.source()
                + " already has a key for the selector "
                + s
                + " of "
                + d
                + ": "
                + named.get()
                + "; nothing was written. A new key under a selector receivers already use breaks"
                + " every signature until DNS has the new record everywhere: to rotate, make a key"
                + " under a new selector (e.g. --selector "
                + nextSelector(s)
                + "), publish it, add it beside the old one, and remove the old one later");
      }
      Path dir;
      Path file;
      if (whereNamed) {
        file = named.get();
        dir = file.getParent();
      } else {
        dir =
            (out == null ? ctx.workingDir() : ctx.workingDir().resolve(out))
                .toAbsolutePath()
                .normalize();
        file = dir.resolve(d + "-" + s + ".pem");
      }
      if (!Files.isDirectory(dir)) {
        // A key directory's owner and mode decide who can read the key: it is made by the admin,
        // deliberately, never on the side by a typo in --out.
        throw new ConfigSource.UsageError(
            "mailassure: dkim keygen: the directory "
                + dir
                + " does not exist; nothing was written. Create it first, e.g. install -d -o root"
                + " -g mailassure -m 0750 "
                + Shell.arg(dir)
                + (whereNamed
                    ? ", or correct its private-key-file in " + outline.source()
                    : ", or correct --out"));
      }
      KeyPair pair = algorithm.newKeyPair(bits);
      String access;
      try {
        writeNew(file, PemKeys.toPem(pair.getPrivate()).getBytes(StandardCharsets.US_ASCII));
        access = shareWithService(dir, file, ServiceAccount.NAME);
      } catch (FileAlreadyExistsException e) {
        throw new ConfigSource.UsageError(
            file
                + " already exists; mailassure never overwrites a key. Choose another "
                + "--selector or --out, or move the old key away first");
      } catch (IOException e) {
        throw new ConfigSource.UsageError(
            "cannot write " + file + ": " + Words.whyUnreadable(e) + "; nothing was written");
      }
      String name = s + "._domainkey." + d;
      String record = DkimKeyRecord.format(algorithm, pair.getPublic());
      List<String> strings = split(record);
      String zone =
          name
              + ". 3600 IN TXT "
              + String.join(" ", strings.stream().map(x -> "\"" + x + "\"").toList());
      String snippet =
          "    dkim:\n      - selector: " + s + "\n        private-key-file: " + file + "\n";
      boolean asNamed = named.isPresent() && named.get().equals(file);
      if (json) {
        try (Json j = new Json(ctx.out())) {
          JsonGenerator g = j.g();
          g.writeStartObject();
          g.writeStringField("private_key_file", file.toString());
          g.writeStringField("algorithm", algorithm.tagValue());
          g.writeStringField("access", access);
          g.writeStringField("config", outline == null ? null : outline.source().toString());
          g.writeBooleanField("named_by_config", asNamed);
          g.writeStringField("dns_name", name);
          g.writeStringField("txt", record);
          g.writeArrayFieldStart("txt_strings");
          for (String x : strings) {
            g.writeString(x);
          }
          g.writeEndArray();
          g.writeEndObject();
        }
      } else {
        var o = ctx.out();
        o.println(
            "Wrote " + algorithm.tagValue() + " private key to " + file + " (" + access + ").");
        o.println();
        o.println(
            "Publish this TXT record at " + name + " (split into strings of at most 255 bytes):");
        o.println(zone);
        o.println();
        if (asNamed) {
          o.println(
              "This is the key "
                  + outline.source()
                  + " names for the selector "
                  + s
                  + " of "
                  + d
                  + "; the config needs no change.");
        } else if (named.isPresent()) {
          o.println(
              outline.source()
                  + " names "
                  + named.get()
                  + " for this selector; change its private-key-file to this key:");
          o.print(snippet);
        } else if (inConfig.isPresent()) {
          o.println("Then add the key to the domain " + d + " in " + outline.source() + ":");
          o.print(snippet);
        } else if (outline != null) {
          o.println(
              d
                  + " is not among the domains of "
                  + outline.source()
                  + "; add it there, with this key:");
          o.print(snippet);
        } else {
          o.println("Then add the key to the domain " + d + " in the config:");
          o.print(snippet);
        }
        if (algorithm == DkimAlgorithm.ED25519_SHA256) {
          o.println();
          o.println(
              "An Ed25519 key is accepted only beside an RSA key: many receivers ignore ed25519-sha256 alone.");
        }
        o.println();
        o.println("Check it once published: mailassure check --domain " + d + " --only dkim");
        o.flush();
      }
      return ExitCode.OK;
    }

    /**
     * The config in use, read for its domains and keys alone ({@link ConfigLoader#outline}), or
     * null when none was named and none is found where every command looks. One that is named but
     * missing, unreadable or not YAML is a usage error, as it is for every command.
     */
    private ConfigOutline outline() throws ConfigSource.UsageError {
      Path file = ConfigLocator.locate(config, ctx.env(), ctx.workingDir(), ctx.systemConfig());
      if (ConfigLocator.noneFound(config, ctx.env(), ctx.workingDir(), file)) {
        return null;
      }
      try {
        return new ConfigLoader(ctx.env(), ctx.root()).outline(ctx.workingDir().resolve(file));
      } catch (ConfigException e) {
        throw new ConfigSource.UsageError(e.getMessage() + "; nothing was written");
      }
    }

    /** Whether something is at {@code p}, a dangling symlink included. */
    private static boolean exists(Path p) {
      return Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS);
    }

    /**
     * The selector to rotate to: its number one up ({@code mailassure1} to {@code mailassure2}).
     */
    static String nextSelector(String selector) {
      java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.*?)(\\d+)").matcher(selector);
      if (m.matches() && m.group(2).length() < 9) {
        return m.group(1) + (Integer.parseInt(m.group(2)) + 1);
      }
      return selector + "2";
    }

    /**
     * Writes a new key file, 0600, and on disk before it returns: never over an existing file, and
     * never left behind half written (a full disk, say), so that a second try is not refused
     * because of the first one's remains.
     */
    static void writeNew(Path file, byte[] content) throws IOException {
      try (FileChannel channel =
          FileChannel.open(
              file,
              java.util.Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE),
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))) {
        try {
          java.nio.ByteBuffer buffer = java.nio.ByteBuffer.wrap(content);
          while (buffer.hasRemaining()) {
            channel.write(buffer);
          }
          channel.force(true);
        } catch (IOException e) {
          // Created by this call (CREATE_NEW), so it is this call's to remove.
          Files.deleteIfExists(file);
          throw e;
        }
      }
    }

    /**
     * A key written into a directory whose group is the service's ({@code install -d -o root -g
     * mailassure -m 0750}, as the README sets up {@code /etc/mailassure/dkim}) is made readable by
     * that group, as the directory says it should be: group set first, then mode 0640, so it is
     * never readable by any other group. Anywhere else it stays 0600, its owner's alone.
     *
     * @return how the key may be read, for the output
     */
    static String shareWithService(Path dir, Path file, String serviceGroup) {
      java.nio.file.attribute.GroupPrincipal group;
      try {
        group =
            Files.readAttributes(dir, java.nio.file.attribute.PosixFileAttributes.class).group();
      } catch (IOException e) {
        return "mode 0600";
      }
      if (!group.getName().equals(serviceGroup)) {
        return "mode 0600";
      }
      try {
        Files.getFileAttributeView(file, java.nio.file.attribute.PosixFileAttributeView.class)
            .setGroup(group);
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-r-----"));
      } catch (IOException e) {
        // The key is written and stays its owner's alone; only sharing it failed.
        return "mode 0600: giving it to the group "
            + serviceGroup
            + " failed ("
            + org.mailassure.text.Words.whyUnreadable(e)
            + "), so run 'chgrp "
            + serviceGroup
            + " "
            + Shell.arg(file)
            + " && chmod 0640 "
            + Shell.arg(file)
            + "' as root";
      }
      return "mode 0640, group " + serviceGroup + " as its directory's, so the service can read it";
    }

    /** RFC 6376 section 3.6.2.2 / RFC 1035: a TXT record is strings of at most 255 bytes. */
    static List<String> split(String record) {
      List<String> out = new ArrayList<>();
      for (int i = 0; i < record.length(); i += 255) {
        out.add(record.substring(i, Math.min(record.length(), i + 255)));
      }
      return out;
    }
  }
}
