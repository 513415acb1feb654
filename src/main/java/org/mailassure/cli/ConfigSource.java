package org.mailassure.cli;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.mailassure.config.Config;
import org.mailassure.config.ConfigException;
import org.mailassure.config.ConfigLoader;
import org.mailassure.config.ConfigLocator;
import org.mailassure.config.DomainSettings;
import org.mailassure.config.ServiceAccount;

/** Loads the config a command names and checks its --domain choices, failing with exit code 2. */
final class ConfigSource {
  private ConfigSource() {}

  /** A configuration problem to report; the command exits 2 having done nothing. */
  static final class UsageError extends Exception {
    UsageError(String message) {
      super(message);
    }
  }

  static Config load(Context ctx, ConfigOptions options) throws UsageError {
    return load(ctx, options, null);
  }

  /**
   * Loads the config; when it is the installed service's own ({@code
   * /etc/mailassure/mailassure.yaml}) and {@code service} is given, every file it names is checked
   * as that account will see it.
   */
  static Config load(Context ctx, ConfigOptions options, ServiceAccount service) throws UsageError {
    var file =
        ConfigLocator.locate(options.config, ctx.env(), ctx.workingDir(), ctx.systemConfig());
    if (ConfigLocator.noneFound(options.config, ctx.env(), ctx.workingDir(), file)) {
      throw new UsageError(
          ConfigLocator.noneFound(ctx.env(), ctx.workingDir(), ctx.systemConfig()));
    }
    boolean theServicesOwn = file.toAbsolutePath().normalize().equals(ctx.systemConfig());
    try {
      return new ConfigLoader(ctx.env(), ctx.root(), theServicesOwn ? service : null).load(file);
    } catch (ConfigException e) {
      int n = e.problems().size();
      throw new UsageError(
          e.getMessage() + (n > 1 ? "\n" + n + " problems in " + file + "; nothing was done" : ""));
    }
  }

  /** The selected domains; an unknown --domain is a usage error. */
  static List<DomainSettings> select(Config config, ConfigOptions options) throws UsageError {
    requireKnown(options.domains, names(config.domains()), config.source().toString());
    return config.select(options.domains);
  }

  private static List<String> names(List<DomainSettings> domains) {
    List<String> names = new java.util.ArrayList<>(domains.size());
    for (DomainSettings d : domains) {
      names.add(d.name());
    }
    return names;
  }

  /**
   * Refuses --domain names that are not among {@code known} (lower-case names), naming where they
   * were looked for and what is there.
   */
  static void requireKnown(List<String> asked, List<String> known, String source)
      throws UsageError {
    List<String> unknown = new ArrayList<>();
    for (String name : asked) {
      if (!known.contains(name.toLowerCase(Locale.ROOT))) {
        unknown.add(name);
      }
    }
    if (!unknown.isEmpty()) {
      throw new UsageError(
          "--domain "
              + String.join(", ", unknown)
              + ": not in "
              + source
              + "; it has "
              + String.join(", ", known));
    }
  }
}
