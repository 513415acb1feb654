package org.mailassure.readiness;

import static org.assertj.core.api.Assertions.assertThat;
import static org.mailassure.testing.Python.pick;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.mailassure.testing.Python;

/**
 * Macro-strings made at random (a fixed seed) from RFC 7208 section 7.1's grammar, every letter but
 * p (which needs the client's PTR records), with transformers, delimiters, upper case (URL
 * escaping) and the %%, %_ and %- escapes, for senders whose local-parts hold the characters macros
 * split and escape: expanded by mailassure's evaluator and by pyspf (Debian's python3-spf), which
 * must write the same name.
 */
class SpfMacroDifferentialTest {
  private static final int CASES = 1000;

  @org.junit.jupiter.api.io.TempDir Path dir;

  private static String macroString(Random r) {
    StringBuilder s = new StringBuilder();
    int parts = 1 + r.nextInt(4);
    for (int i = 0; i < parts; i++) {
      if (i > 0) {
        s.append('.');
      }
      switch (r.nextInt(6)) {
        case 0 -> s.append(pick(r, "_spf", "x", "a-b", "in-addr", "mail"));
        case 1 -> s.append(pick(r, "%%", "%_", "%-")).append(pick(r, "x", "y"));
        default -> {
          String letter = pick(r, "s", "l", "o", "d", "i", "h", "v", "S", "L", "O", "D", "I");
          s.append("%{").append(letter);
          if (r.nextBoolean()) {
            s.append(1 + r.nextInt(r.nextBoolean() ? 3 : 12));
          }
          if (r.nextInt(3) == 0) {
            s.append('r');
          }
          int delimiters = r.nextInt(3) == 0 ? 1 + r.nextInt(2) : 0;
          for (int k = 0; k < delimiters; k++) {
            // pyspf rejoins the parts with "." for l and s only, and with the delimiters found
            // for the other letters, where section 7.3 says "the parts are rejoined using "."
            // and not the original splitting characters" (SpfEvaluatorTest holds that case).
            s.append("sSlL".contains(letter) ? pick(r, ".", "-", "+", ",", "/", "_", "=") : ".");
          }
          s.append('}');
        }
      }
    }
    return s.toString();
  }

  @Test
  void mailassureExpandsMacrosAsPyspfDoes() throws Exception {
    Python.assumeModules("spf", "pyspf (Debian's python3-spf)");
    Random r = new Random(20261206L);
    List<String[]> cases = new ArrayList<>();
    for (int i = 0; i < CASES; i++) {
      cases.add(
          new String[] {
            pick(
                r,
                "postmaster@example.gov.uk",
                "first.last+tag@sub.example.gov.uk",
                "a=b/c,d_e@x.example.gov.uk",
                "user-name.1@mail.police.uk",
                "Mixed.Case@Example.Gov.UK",
                "x~y!z$@a.example"),
            pick(r, "example.gov.uk", "a.b.c.d.example.gov.uk", "police.uk", "x-y.nhs.uk"),
            macroString(r)
          });
    }
    StringBuilder input = new StringBuilder();
    cases.forEach(c -> input.append(String.join("\t", c)).append('\n'));
    Path questions = Files.writeString(dir.resolve("macros.txt"), input);
    List<String> pyspf = Python.run(questions, "pyspf_expand.py");
    assertThat(pyspf).hasSize(CASES);

    Map<String, String> differ = new LinkedHashMap<>();
    for (int i = 0; i < CASES; i++) {
      String[] c = cases.get(i);
      String mine;
      try {
        mine = new SpfEvaluator((n, t) -> null, c[0]).expand(c[2], c[1]);
      } catch (Exception e) {
        mine = "!error";
      }
      if (!mine.equals(pyspf.get(i))) {
        differ.put(String.join("  ", c), "mailassure '" + mine + "', pyspf '" + pyspf.get(i) + "'");
      }
    }
    System.out.println(CASES + " random macro-strings, " + differ.size() + " expanded apart");
    differ.forEach((k, v) -> System.out.println(k + "  => " + v));
    assertThat(differ).isEmpty();
  }
}
