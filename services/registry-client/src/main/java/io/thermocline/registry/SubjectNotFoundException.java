package io.thermocline.registry;

/** The subject does not exist (HTTP 404, error code 40401). */
public class SubjectNotFoundException extends NotFoundException {
  private static final long serialVersionUID = 1L;

  public SubjectNotFoundException(String message, int errorCode) {
    super(message, errorCode);
  }
}
