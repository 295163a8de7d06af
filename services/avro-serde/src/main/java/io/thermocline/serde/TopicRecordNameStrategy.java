package io.thermocline.serde;

import org.apache.avro.Schema;

/** {@code <topic>-<record full name>}. */
public final class TopicRecordNameStrategy implements SubjectNameStrategy {
  @Override
  public String subjectName(String topic, boolean isKey, Schema schema) {
    return topic + "-" + schema.getFullName();
  }
}
