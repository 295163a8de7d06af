package io.thermocline.registry;

import java.util.Locale;

/** Registry compatibility levels, named as in the Confluent REST API. */
public enum CompatibilityLevel {
  NONE(false, false, false),
  BACKWARD(true, false, false),
  BACKWARD_TRANSITIVE(true, false, true),
  FORWARD(false, true, false),
  FORWARD_TRANSITIVE(false, true, true),
  FULL(true, true, false),
  FULL_TRANSITIVE(true, true, true);

  /** New schema must read data written with the old one(s). */
  public final boolean backward;
  /** Old schema(s) must read data written with the new one. */
  public final boolean forward;
  /** Check against all versions rather than only the latest. */
  public final boolean transitive;

  CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
    this.backward = backward;
    this.forward = forward;
    this.transitive = transitive;
  }

  /** Parses a level name case-insensitively. */
  public static CompatibilityLevel parse(String name) {
    try {
      return valueOf(name.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException | NullPointerException e) {
      throw new SchemaRegistryException("Unknown compatibility level: " + name, e);
    }
  }
}
