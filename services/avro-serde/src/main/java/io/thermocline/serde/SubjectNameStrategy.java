package io.thermocline.serde;

import org.apache.avro.Schema;

/** Chooses the registry subject under which a topic's key or value schema lives. */
public interface SubjectNameStrategy {
  String subjectName(String topic, boolean isKey, Schema schema);
}
