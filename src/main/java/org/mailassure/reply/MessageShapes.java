package org.mailassure.reply;

import com.microsoft.kiota.serialization.Parsable;
import com.microsoft.kiota.serialization.ParseNode;
import com.microsoft.kiota.serialization.SerializationWriter;
import java.time.OffsetDateTime;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The few JSON shapes the reply agent reads and writes, as Kiota {@link Parsable}s the Graph SDK's
 * request adapter parses and serializes: a page of listed messages, a message's listed fields, a
 * recipient, and a reply's body. The SDK's own {@code Message} model would do, but it extends
 * {@code Entity}, and linking {@code Entity} makes the JVM load over a thousand model classes (its
 * factory names every Graph entity type), about 13 MiB of a daemon's memory for seven fields.
 */
final class MessageShapes {
  private MessageShapes() {}

  /** {@code {"value": [...], "@odata.nextLink": "..."}}. */
  static final class Page implements Parsable {
    List<Listed> value = List.of();
    String nextLink;

    static Page create(ParseNode node) {
      return new Page();
    }

    @Override
    public Map<String, Consumer<ParseNode>> getFieldDeserializers() {
      Map<String, Consumer<ParseNode>> fields = new HashMap<>();
      fields.put(
          "value",
          n -> {
            List<Listed> listed = n.getCollectionOfObjectValues(Listed::create);
            value = listed == null ? List.of() : listed;
          });
      fields.put("@odata.nextLink", n -> nextLink = n.getStringValue());
      return fields;
    }

    @Override
    public void serialize(SerializationWriter writer) {
      throw new UnsupportedOperationException("a listing is only read");
    }
  }

  /** The fields of a message that the listing selects ({@link MailboxMessages#FIELDS}). */
  static final class Listed implements Parsable {
    String id;
    String internetMessageId;
    OffsetDateTime received;
    String subject;
    Addressee from;
    List<Addressee> to = List.of();
    List<Addressee> cc = List.of();

    static Listed create(ParseNode node) {
      return new Listed();
    }

    @Override
    public Map<String, Consumer<ParseNode>> getFieldDeserializers() {
      Map<String, Consumer<ParseNode>> fields = new HashMap<>();
      fields.put("id", n -> id = n.getStringValue());
      fields.put("internetMessageId", n -> internetMessageId = n.getStringValue());
      fields.put("receivedDateTime", n -> received = n.getOffsetDateTimeValue());
      fields.put("subject", n -> subject = n.getStringValue());
      fields.put("from", n -> from = n.getObjectValue(Addressee::create));
      fields.put("toRecipients", n -> to = list(n));
      fields.put("ccRecipients", n -> cc = list(n));
      return fields;
    }

    private static List<Addressee> list(ParseNode n) {
      List<Addressee> list = n.getCollectionOfObjectValues(Addressee::create);
      return list == null ? List.of() : list;
    }

    @Override
    public void serialize(SerializationWriter writer) {
      throw new UnsupportedOperationException("a listed message is only read");
    }
  }

  /** A recipient: {@code {"emailAddress": {"address": "...", "name": "..."}}}. */
  static final class Addressee implements Parsable {
    Mailbox emailAddress;

    Addressee() {}

    Addressee(String address) {
      this.emailAddress = new Mailbox();
      this.emailAddress.address = address;
    }

    static Addressee create(ParseNode node) {
      return new Addressee();
    }

    /** The address, or null when Graph gave none. */
    String address() {
      return emailAddress == null ? null : emailAddress.address;
    }

    @Override
    public Map<String, Consumer<ParseNode>> getFieldDeserializers() {
      Map<String, Consumer<ParseNode>> fields = new HashMap<>();
      fields.put("emailAddress", n -> emailAddress = n.getObjectValue(Mailbox::create));
      return fields;
    }

    @Override
    public void serialize(SerializationWriter writer) {
      writer.writeObjectValue("emailAddress", emailAddress);
    }
  }

  /** {@code {"address": "...", "name": "..."}}; the name is neither read nor written. */
  static final class Mailbox implements Parsable {
    String address;

    static Mailbox create(ParseNode node) {
      return new Mailbox();
    }

    @Override
    public Map<String, Consumer<ParseNode>> getFieldDeserializers() {
      Map<String, Consumer<ParseNode>> fields = new HashMap<>();
      fields.put("address", n -> address = n.getStringValue());
      fields.put("name", n -> {});
      return fields;
    }

    @Override
    public void serialize(SerializationWriter writer) {
      writer.writeStringValue("address", address);
    }
  }

  /**
   * The body of {@code POST .../messages/{id}/reply}: the comment, and the reply's recipients set
   * outright, {@code {"comment": "...", "message": {"toRecipients": [...], "ccRecipients": [],
   * "bccRecipients": []}}}.
   */
  static final class Reply implements Parsable {
    private final String comment;
    private final String to;

    Reply(String comment, String to) {
      this.comment = comment;
      this.to = to;
    }

    @Override
    public Map<String, Consumer<ParseNode>> getFieldDeserializers() {
      throw new UnsupportedOperationException("a reply is only written");
    }

    @Override
    public void serialize(SerializationWriter writer) {
      writer.writeStringValue("comment", comment);
      writer.writeObjectValue("message", new Recipients(to));
    }
  }

  /** A reply's {@code message}: its recipients and nothing else. */
  private static final class Recipients implements Parsable {
    private final String to;

    Recipients(String to) {
      this.to = to;
    }

    @Override
    public Map<String, Consumer<ParseNode>> getFieldDeserializers() {
      throw new UnsupportedOperationException("recipients are only written");
    }

    @Override
    public void serialize(SerializationWriter writer) {
      writer.writeCollectionOfObjectValues("toRecipients", List.of(new Addressee(to)));
      writer.writeCollectionOfObjectValues("ccRecipients", List.<Addressee>of());
      writer.writeCollectionOfObjectValues("bccRecipients", List.<Addressee>of());
    }
  }
}
