package org.mailassure.schedule;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The one-instance lock of {@code run}: an exclusive lock (fcntl) on {@code
 * state-dir/mailassure.lock}, which holds the holder's pid. The kernel releases it when the process
 * dies, even by SIGKILL, so a crash never leaves a stale lock.
 */
public final class StateLock implements AutoCloseable {
  public static final String FILE_NAME = "mailassure.lock";

  /** Another process holds the lock. */
  public static final class HeldException extends Exception {
    public HeldException(String message) {
      super(message);
    }
  }

  private final FileChannel channel;
  private final FileLock lock;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  public static StateLock acquire(Path stateDir, long pid) throws IOException, HeldException {
    org.mailassure.state.StateDir.prepare(stateDir);
    Path file = stateDir.resolve(FILE_NAME);
    org.mailassure.state.StateDir.refuseLink(file);
    FileChannel ch;
    try {
      // Not through a link (O_NOFOLLOW), even one put there since the look above: the file is
      // truncated to take the pid.
      ch =
          FileChannel.open(
              file,
              StandardOpenOption.CREATE,
              StandardOpenOption.READ,
              StandardOpenOption.WRITE,
              java.nio.file.LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      org.mailassure.state.StateDir.refuseLink(file);
      throw e;
    }
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      lock = null;
    }
    if (lock == null) {
      String holder = Files.readString(file, StandardCharsets.US_ASCII).strip();
      ch.close();
      throw new HeldException(
          "another 'mailassure run' (pid "
              + (holder.isEmpty() ? "unknown" : holder)
              + ") holds "
              + file
              + "; stop it first (systemctl stop mailassure), or give this one another state-dir");
    }
    ch.truncate(0);
    ch.write(ByteBuffer.wrap((pid + "\n").getBytes(StandardCharsets.US_ASCII)), 0);
    ch.force(false);
    return new StateLock(ch, lock);
  }

  @Override
  public void close() throws IOException {
    lock.release();
    channel.close();
  }
}
