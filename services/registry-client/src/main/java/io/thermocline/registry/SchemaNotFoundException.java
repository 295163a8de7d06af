package io.thermocline.registry;

/** No schema with that id, or the subject does not hold the schema (HTTP 404, error code 40403). */
public class SchemaNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  public SchemaNotFoundException(String message, int errorCode) {
    super(message, errorCode);
  }
}
