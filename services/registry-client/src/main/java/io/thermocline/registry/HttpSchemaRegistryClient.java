package io.thermocline.registry;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.SchemaParseException;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link SchemaRegistryClient} over the Confluent Schema Registry REST API (java.net.http +
 * Jackson). Works against Confluent's registry and Apicurio's ccompat API (base URL with a path).
 *
 * <p>Several base URLs fail over: an I/O error, timeout or 5xx moves to the next URL; when every
 * URL failed, the client backs off (doubling) and tries again up to {@code maxRetries} rounds,
 * then throws {@link SchemaRegistryException}. 4xx answers are never retried.
 *
 * <p>Caches, like Confluent's client: (subject, schema) to id, id to schema, (subject, schema) to
 * lookup metadata (version); each bounded (LRU) to {@code cacheCapacity} entries.
 */
public final class HttpSchemaRegistryClient implements SchemaRegistryClient {
  public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  static final String ACCEPT =
      "application/vnd.schemaregistry.v1+json, application/vnd.schemaregistry+json; qs=0.9, application/json; qs=0.5";
  private static final String AVRO = "AVRO";
  private static final Logger LOG = LoggerFactory.getLogger(HttpSchemaRegistryClient.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int HTTP_NOT_FOUND = 404;
  private static final int HTTP_CONFLICT = 409;
  private static final int HTTP_UNPROCESSABLE = 422;
  private static final int HTTP_SERVER_ERROR = 500;

  /** Which not-found exception a 404 without a known error code maps to. */
  private enum NotFound { SUBJECT, VERSION, SCHEMA, GENERIC }

  private record SubjectSchema(String subject, Schema schema) {}

  private final List<String> baseUrls;
  private final List<String> maskedUrls;
  private final String authorization;
  private final String authKind;
  private final HttpClient http;
  private final Duration requestTimeout;
  private final int maxRetries;
  private final long retryWaitMs;
  private final long retryMaxWaitMs;
  private volatile int preferredUrl;

  private final BoundedCache<SubjectSchema, Integer> idBySchema;
  private final BoundedCache<Integer, Schema> schemaById;
  private final BoundedCache<SubjectSchema, SchemaMetadata> lookups;

  private HttpSchemaRegistryClient(Builder b) {
    if (b.urls.isEmpty()) {
      throw new ConfigException(RegistryClientConfig.SCHEMA_REGISTRY_URL, b.urls, "at least one URL is required");
    }
    List<String> urls = new ArrayList<>();
    List<String> masked = new ArrayList<>();
    String urlUserInfo = null;
    for (String raw : b.urls) {
      URI uri = URI.create(raw.trim());
      if (uri.getScheme() == null || uri.getHost() == null
          || !(uri.getScheme().equals("http") || uri.getScheme().equals("https"))) {
        throw new ConfigException(RegistryClientConfig.SCHEMA_REGISTRY_URL, mask(raw), "not an http(s) URL");
      }
      if (uri.getRawUserInfo() != null && urlUserInfo == null) {
        urlUserInfo = decode(uri.getRawUserInfo());
      }
      String path = uri.getRawPath() == null ? "" : uri.getRawPath();
      while (path.endsWith("/")) {
        path = path.substring(0, path.length() - 1);
      }
      String base = uri.getScheme() + "://" + uri.getHost() + (uri.getPort() < 0 ? "" : ":" + uri.getPort()) + path;
      urls.add(base);
      masked.add(base);
    }
    this.baseUrls = List.copyOf(urls);
    this.maskedUrls = List.copyOf(masked);

    String basic = RegistryClientConfig.CREDENTIALS_SOURCE_USER_INFO.equals(b.basicSource) ? b.userInfo : urlUserInfo;
    if (basic != null && b.bearerToken != null) {
      throw new ConfigException("basic auth and bearer auth are both configured; choose one");
    }
    if (basic != null) {
      if (basic.indexOf(':') < 0) {
        throw new ConfigException(RegistryClientConfig.BASIC_AUTH_USER_INFO, "[hidden]", "expected user:password");
      }
      authorization = "Basic " + Base64.getEncoder().encodeToString(basic.getBytes(StandardCharsets.UTF_8));
      authKind = "basic";
    } else if (b.bearerToken != null) {
      authorization = "Bearer " + b.bearerToken;
      authKind = "bearer";
    } else {
      authorization = null;
      authKind = "none";
    }
    this.requestTimeout = b.requestTimeout;
    this.maxRetries = b.maxRetries;
    this.retryWaitMs = b.retryWaitMs;
    this.retryMaxWaitMs = b.retryMaxWaitMs;
    this.http = HttpClient.newBuilder().connectTimeout(b.connectTimeout).followRedirects(HttpClient.Redirect.NORMAL).build();
    this.idBySchema = new BoundedCache<>(b.cacheCapacity);
    this.schemaById = new BoundedCache<>(b.cacheCapacity);
    this.lookups = new BoundedCache<>(b.cacheCapacity);
  }

  /** A client configured from the Confluent-named keys of {@link RegistryClientConfig}. */
  public static HttpSchemaRegistryClient create(RegistryClientConfig config) {
    return builder()
        .urls(config.urls())
        .basicAuthCredentialsSource(config.getString(RegistryClientConfig.BASIC_AUTH_CREDENTIALS_SOURCE))
        .basicAuthUserInfo(config.basicAuthUserInfo())
        .bearerToken(config.bearerToken())
        .cacheCapacity(config.cacheCapacity())
        .requestTimeout(Duration.ofMillis(config.getInt(RegistryClientConfig.REQUEST_TIMEOUT_MS)))
        .connectTimeout(Duration.ofMillis(config.getInt(RegistryClientConfig.CONNECT_TIMEOUT_MS)))
        .retries(config.getInt(RegistryClientConfig.MAX_RETRIES),
            config.getLong(RegistryClientConfig.RETRIES_WAIT_MS),
            config.getLong(RegistryClientConfig.RETRIES_MAX_WAIT_MS))
        .build();
  }

  public static Builder builder() {
    return new Builder();
  }

  // ---------------------------------------------------------------------------------------------
  // API

  @Override
  public int register(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    Integer cached = idBySchema.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode r = send("POST", "/subjects/" + seg(subject) + "/versions", schemaBody(schema), NotFound.SUBJECT);
    int id = requiredInt(r, "id");
    idBySchema.put(key, id);
    schemaById.put(id, schema);
    return id;
  }

  @Override
  public SchemaMetadata lookup(String subject, Schema schema) {
    SubjectSchema key = new SubjectSchema(subject, schema);
    SchemaMetadata cached = lookups.get(key);
    if (cached != null) {
      return cached;
    }
    JsonNode r = send("POST", "/subjects/" + seg(subject), schemaBody(schema), NotFound.SCHEMA);
    SchemaMetadata m = new SchemaMetadata(subject, requiredInt(r, "id"), requiredInt(r, "version"), schema);
    lookups.put(key, m);
    idBySchema.put(key, m.id());
    schemaById.put(m.id(), schema);
    return m;
  }

  @Override
  public int getId(String subject, Schema schema) {
    Integer cached = idBySchema.get(new SubjectSchema(subject, schema));
    return cached != null ? cached : lookup(subject, schema).id();
  }

  @Override
  public Schema getSchemaById(int id) {
    Schema cached = schemaById.get(id);
    if (cached != null) {
      return cached;
    }
    JsonNode r = send("GET", "/schemas/ids/" + id, null, NotFound.SCHEMA);
    Schema schema = parse(r, "schema id " + id);
    schemaById.put(id, schema);
    return schema;
  }

  @Override
  public SchemaMetadata getLatest(String subject) {
    try {
      return version(subject, "latest");
    } catch (VersionNotFoundException e) {
      // Apicurio answers 40402 ("no version 'latest'") where Confluent answers 40401
      throw new SubjectNotFoundException(e.getMessage(), e.errorCode());
    }
  }

  @Override
  public SchemaMetadata getVersion(String subject, int version) {
    return version(subject, Integer.toString(version));
  }

  private SchemaMetadata version(String subject, String version) {
    JsonNode r = send("GET", "/subjects/" + seg(subject) + "/versions/" + version, null, NotFound.VERSION);
    SchemaMetadata m = new SchemaMetadata(subject, requiredInt(r, "id"), requiredInt(r, "version"),
        parse(r, "subject " + subject + " version " + version));
    schemaById.put(m.id(), m.schema());
    return m;
  }

  @Override
  public List<Integer> getAllVersions(String subject) {
    JsonNode r = send("GET", "/subjects/" + seg(subject) + "/versions", null, NotFound.SUBJECT);
    List<Integer> out = new ArrayList<>();
    r.forEach(n -> out.add(n.asInt()));
    return out;
  }

  @Override
  public CompatibilityResult testCompatibility(String subject, Schema schema) {
    JsonNode r;
    try {
      r = send("POST", "/compatibility/subjects/" + seg(subject) + "/versions/latest?verbose=true",
          schemaBody(schema), NotFound.SUBJECT);
    } catch (SubjectNotFoundException | VersionNotFoundException e) {
      return CompatibilityResult.ok(); // nothing registered yet: anything is compatible
    }
    List<String> messages = new ArrayList<>();
    JsonNode m = r.get("messages");
    if (m != null) {
      m.forEach(n -> messages.add(n.asText()));
    }
    JsonNode reason = r.get("reason"); // Apicurio's ccompat explains here
    if (reason != null && !reason.isNull()) {
      messages.add(reason.asText());
    }
    JsonNode ok = r.get("is_compatible");
    if (ok == null) {
      throw new SchemaRegistryException("registry answer lacks is_compatible: " + r);
    }
    return new CompatibilityResult(ok.asBoolean(), messages);
  }

  @Override
  public CompatibilityLevel getCompatibility(String subject) {
    JsonNode r;
    if (subject == null) {
      r = send("GET", "/config", null, NotFound.GENERIC);
    } else {
      try {
        r = send("GET", "/config/" + seg(subject) + "?defaultToGlobal=true", null, NotFound.SUBJECT);
      } catch (NotFoundException e) {
        r = send("GET", "/config", null, NotFound.GENERIC); // registries without defaultToGlobal
      }
    }
    JsonNode level = r.has("compatibilityLevel") ? r.get("compatibilityLevel") : r.get("compatibility");
    if (level == null) {
      throw new SchemaRegistryException("registry answer lacks compatibilityLevel: " + r);
    }
    return CompatibilityLevel.parse(level.asText());
  }

  @Override
  public void setCompatibility(String subject, CompatibilityLevel level) {
    ObjectNode body = JSON.createObjectNode().put("compatibility", level.name());
    send("PUT", subject == null ? "/config" : "/config/" + seg(subject), body, NotFound.SUBJECT);
  }

  @Override
  public List<String> listSubjects() {
    JsonNode r = send("GET", "/subjects", null, NotFound.GENERIC);
    List<String> out = new ArrayList<>();
    r.forEach(n -> out.add(n.asText()));
    return out;
  }

  @Override
  public List<Integer> deleteSubject(String subject) {
    JsonNode r = send("DELETE", "/subjects/" + seg(subject), null, NotFound.SUBJECT);
    idBySchema.removeIf(k -> k.subject().equals(subject));
    lookups.removeIf(k -> k.subject().equals(subject));
    List<Integer> out = new ArrayList<>();
    r.forEach(n -> out.add(n.asInt()));
    return out;
  }

  @Override
  public String toString() {
    return "HttpSchemaRegistryClient{urls=" + maskedUrls + ", auth=" + authKind + "}";
  }

  // ---------------------------------------------------------------------------------------------
  // HTTP

  private JsonNode send(String method, String pathAndQuery, JsonNode body, NotFound notFound) {
    byte[] payload = null;
    if (body != null) {
      try {
        payload = JSON.writeValueAsBytes(body);
      } catch (IOException e) {
        throw new SchemaRegistryException("cannot encode request body", e);
      }
    }
    SchemaRegistryException last = null;
    long backoff = retryWaitMs;
    for (int round = 0; round <= maxRetries; round++) {
      if (round > 0) {
        LOG.warn("Schema registry unavailable ({}); retry {}/{} in {} ms", last.getMessage(), round, maxRetries, backoff);
        sleep(backoff);
        backoff = Math.min(backoff * 2, retryMaxWaitMs);
      }
      int start = preferredUrl;
      for (int i = 0; i < baseUrls.size(); i++) {
        int idx = (start + i) % baseUrls.size();
        String where = method + " " + maskedUrls.get(idx) + pathAndQuery;
        HttpResponse<byte[]> response;
        try {
          response = http.send(request(idx, method, pathAndQuery, payload), HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
          last = new SchemaRegistryException(where + " failed: " + e, e);
          LOG.debug("{}", last.getMessage());
          continue;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new SchemaRegistryException(where + " interrupted", e);
        }
        int status = response.statusCode();
        if (status >= HTTP_SERVER_ERROR) {
          last = error(status, response.body(), where, notFound);
          LOG.debug("{}", last.getMessage());
          continue;
        }
        preferredUrl = idx;
        if (status >= 200 && status < 300) {
          return readJson(response.body(), where);
        }
        throw error(status, response.body(), where, notFound);
      }
    }
    throw new SchemaRegistryException("Schema registry request failed after " + (maxRetries + 1)
        + " round(s) over " + maskedUrls + ": " + last.getMessage(), last.status(), last.errorCode(), last);
  }

  private HttpRequest request(int urlIndex, String method, String pathAndQuery, byte[] payload) {
    HttpRequest.Builder rb = HttpRequest.newBuilder(URI.create(baseUrls.get(urlIndex) + pathAndQuery))
        .timeout(requestTimeout)
        .header("Accept", ACCEPT)
        .method(method, payload == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofByteArray(payload));
    if (payload != null) {
      rb.header("Content-Type", CONTENT_TYPE);
    }
    if (authorization != null) {
      rb.header("Authorization", authorization);
    }
    return rb.build();
  }

  private static SchemaRegistryException error(int status, byte[] body, String where, NotFound notFound) {
    int code = -1;
    String message = new String(body, StandardCharsets.UTF_8);
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.isObject()) {
        if (n.has("error_code")) {
          code = n.get("error_code").asInt();
        }
        if (n.has("message")) {
          message = n.get("message").asText();
        }
      }
    } catch (IOException notJson) {
      // keep the raw body as the message
    }
    String text = message + " (HTTP " + status + (code >= 0 ? ", error code " + code : "") + ", " + where + ")";
    switch (status) {
      case HTTP_NOT_FOUND:
        NotFound kind = code == ErrorCodes.SUBJECT_NOT_FOUND ? NotFound.SUBJECT
            : code == ErrorCodes.VERSION_NOT_FOUND ? NotFound.VERSION
            : code == ErrorCodes.SCHEMA_NOT_FOUND ? NotFound.SCHEMA : notFound;
        switch (kind) {
          case SUBJECT: return new SubjectNotFoundException(text, code);
          case VERSION: return new VersionNotFoundException(text, code);
          case SCHEMA: return new SchemaNotFoundException(text, code);
          default: return new NotFoundException(text, code);
        }
      case HTTP_CONFLICT:
        return new IncompatibleSchemaException(text, code);
      case HTTP_UNPROCESSABLE:
        return new InvalidSchemaException(text, code);
      default:
        return new SchemaRegistryException(text, status, code);
    }
  }

  private static JsonNode readJson(byte[] body, String where) {
    try {
      JsonNode n = JSON.readTree(body);
      if (n == null || n.isMissingNode()) {
        return JSON.createObjectNode();
      }
      return n;
    } catch (IOException e) {
      throw new SchemaRegistryException("invalid JSON from " + where, e);
    }
  }

  private static ObjectNode schemaBody(Schema schema) {
    return JSON.createObjectNode().put("schema", schema.toString());
  }

  private static Schema parse(JsonNode r, String what) {
    JsonNode type = r.get("schemaType");
    if (type != null && !type.isNull() && !AVRO.equalsIgnoreCase(type.asText())) {
      throw new SchemaRegistryException(what + " is of type " + type.asText() + ", only AVRO is supported");
    }
    JsonNode s = r.get("schema");
    if (s == null) {
      throw new SchemaRegistryException("registry answer for " + what + " lacks a schema");
    }
    try {
      return new Schema.Parser().parse(s.asText());
    } catch (SchemaParseException e) {
      throw new SchemaRegistryException("registry returned an unparsable schema for " + what, e);
    }
  }

  private static int requiredInt(JsonNode r, String field) {
    JsonNode n = r.get(field);
    if (n == null || !n.canConvertToInt()) {
      throw new SchemaRegistryException("registry answer lacks integer '" + field + "': " + r);
    }
    return n.asInt();
  }

  /** URL-encodes one path segment (URLEncoder encodes for forms: fix the space). */
  private static String seg(String s) {
    Objects.requireNonNull(s, "subject");
    return URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
  }

  private static String decode(String s) {
    return java.net.URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  /** A URL with any user info replaced by {@code ***}, for messages. */
  static String mask(String url) {
    return url.replaceAll("//[^/@]*@", "//***@");
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryException("interrupted while backing off", e);
    }
  }

  /** Builder; every setting has the default of {@link RegistryClientConfig}. */
  public static final class Builder {
    private List<String> urls = List.of();
    private String basicSource = RegistryClientConfig.CREDENTIALS_SOURCE_URL;
    private String userInfo;
    private String bearerToken;
    private int cacheCapacity = RegistryClientConfig.DEFAULT_CACHE_CAPACITY;
    private Duration requestTimeout = Duration.ofMillis(RegistryClientConfig.DEFAULT_REQUEST_TIMEOUT_MS);
    private Duration connectTimeout = Duration.ofMillis(RegistryClientConfig.DEFAULT_CONNECT_TIMEOUT_MS);
    private int maxRetries = RegistryClientConfig.DEFAULT_MAX_RETRIES;
    private long retryWaitMs = RegistryClientConfig.DEFAULT_RETRIES_WAIT_MS;
    private long retryMaxWaitMs = RegistryClientConfig.DEFAULT_RETRIES_MAX_WAIT_MS;

    private Builder() {}

    public Builder urls(List<String> urls) {
      this.urls = List.copyOf(urls);
      return this;
    }

    public Builder url(String... urls) {
      return urls(List.of(urls));
    }

    /** {@code URL} or {@code USER_INFO}. */
    public Builder basicAuthCredentialsSource(String source) {
      this.basicSource = source;
      return this;
    }

    /** {@code user:password}; used when the source is USER_INFO. */
    public Builder basicAuthUserInfo(String userInfo) {
      this.userInfo = userInfo;
      return this;
    }

    /** Basic auth from {@code user:password}. */
    public Builder basicAuth(String userInfo) {
      return basicAuthCredentialsSource(RegistryClientConfig.CREDENTIALS_SOURCE_USER_INFO).basicAuthUserInfo(userInfo);
    }

    public Builder bearerToken(String token) {
      this.bearerToken = token;
      return this;
    }

    public Builder cacheCapacity(int capacity) {
      this.cacheCapacity = capacity;
      return this;
    }

    public Builder requestTimeout(Duration timeout) {
      this.requestTimeout = timeout;
      return this;
    }

    public Builder connectTimeout(Duration timeout) {
      this.connectTimeout = timeout;
      return this;
    }

    public Builder retries(int maxRetries, long waitMs, long maxWaitMs) {
      if (maxRetries < 0 || waitMs < 0 || maxWaitMs < 0) {
        throw new IllegalArgumentException("retry settings must be >= 0");
      }
      this.maxRetries = maxRetries;
      this.retryWaitMs = waitMs;
      this.retryMaxWaitMs = maxWaitMs;
      return this;
    }

    public HttpSchemaRegistryClient build() {
      return new HttpSchemaRegistryClient(this);
    }
  }
}
