package io.thermocline.registry;

/** The registry refused the request as unprocessable: invalid schema, version or level (HTTP 422). */
public class InvalidSchemaException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public InvalidSchemaException(String message, int errorCode) {
    super(message, 422, errorCode);
  }
}
