package io.thermocline.registry;

/**
 * A registry call failed. {@link #status()} is the HTTP status (-1 when there was no response)
 * and {@link #errorCode()} the registry's {@code error_code} (-1 when unknown).
 */
public class SchemaRegistryException extends RuntimeException {
  private static final long serialVersionUID = 1L;
  private final int status;
  private final int errorCode;

  public SchemaRegistryException(String message) {
    this(message, -1, -1, null);
  }

  public SchemaRegistryException(String message, Throwable cause) {
    this(message, -1, -1, cause);
  }

  public SchemaRegistryException(String message, int status, int errorCode) {
    this(message, status, errorCode, null);
  }

  public SchemaRegistryException(String message, int status, int errorCode, Throwable cause) {
    super(message, cause);
    this.status = status;
    this.errorCode = errorCode;
  }

  public int status() {
    return status;
  }

  public int errorCode() {
    return errorCode;
  }
}
