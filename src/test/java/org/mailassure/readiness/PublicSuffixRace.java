package org.mailassure.readiness;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import javax.management.ObjectName;

/**
 * Run in a fresh JVM by {@link DmarcOrganisationalDomainTest}: sixteen threads ask for an
 * organisational domain at the same moment, the first use of the Public Suffix List, then the JVM's
 * own class histogram counts the list's entries twice: every instance ever made and not yet
 * collected ("-all"), and the live ones. Prints "all live". Test fixture only.
 */
public final class PublicSuffixRace {
  private PublicSuffixRace() {}

  public static void main(String[] args) throws Exception {
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < 16; i++) {
      Thread t =
          new Thread(
              () -> {
                try {
                  start.await();
                  DmarcCheck.organisationalDomain("mail.example.gov.uk");
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      t.start();
      threads.add(t);
    }
    start.countDown();
    for (Thread t : threads) {
      t.join();
    }
    System.out.println(entries("-all") + " " + entries());
  }

  private static long entries(String... options) throws Exception {
    String histogram =
        (String)
            ManagementFactory.getPlatformMBeanServer()
                .invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"),
                    "gcClassHistogram",
                    new Object[] {options},
                    new String[] {String[].class.getName()});
    return histogram
        .lines()
        .filter(l -> l.endsWith("crawlercommons.domains.EffectiveTldFinder$EffectiveTLD"))
        .mapToLong(l -> Long.parseLong(l.trim().split("\\s+")[1]))
        .sum();
  }
}
