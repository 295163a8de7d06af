package io.thermocline.registry;

/** HTTP 404 from the registry; see the subclasses for the specific cases. */
public class NotFoundException extends SchemaRegistryException {
  private static final long serialVersionUID = 1L;

  public NotFoundException(String message, int errorCode) {
    super(message, 404, errorCode);
  }
}
