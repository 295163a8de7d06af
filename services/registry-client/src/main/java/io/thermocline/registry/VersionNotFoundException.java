package io.thermocline.registry;

/** The subject has no such version (HTTP 404, error code 40402). */
public class VersionNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  public VersionNotFoundException(String message, int errorCode) {
    super(message, errorCode);
  }
}
