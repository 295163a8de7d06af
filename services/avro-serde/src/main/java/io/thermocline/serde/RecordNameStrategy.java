package io.thermocline.serde;

import org.apache.avro.Schema;

/** The record's full name, whatever the topic (several record types per topic). */
public final class RecordNameStrategy implements SubjectNameStrategy {
  @Override
  public String subjectName(String topic, boolean isKey, Schema schema) {
    return schema.getFullName();
  }
}
