package io.thermocline.registry;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.ValidString;
import org.apache.kafka.common.config.types.Password;

/**
 * Registry client and serde settings. Key names are those of Confluent's client and serdes, so a
 * properties file written for Confluent's KafkaAvroSerializer works here unchanged (for the keys
 * below). Secrets are {@link Type#PASSWORD} and print as {@code [hidden]}.
 */
public class RegistryClientConfig extends AbstractConfig {

  /** Comma-separated base URLs (may include a path, e.g. Apicurio's /apis/ccompat/v7); {@code mock://scope} selects an in-memory registry. */
  public static final String SCHEMA_REGISTRY_URL = "schema.registry.url";
  /** {@code URL} (user info in the URL) or {@code USER_INFO} ({@link #BASIC_AUTH_USER_INFO}). */
  public static final String BASIC_AUTH_CREDENTIALS_SOURCE = "basic.auth.credentials.source";
  /** {@code user:password} for HTTP basic auth. */
  public static final String BASIC_AUTH_USER_INFO = "basic.auth.user.info";
  /** Only {@code STATIC_TOKEN} ({@link #BEARER_AUTH_TOKEN}) is supported. */
  public static final String BEARER_AUTH_CREDENTIALS_SOURCE = "bearer.auth.credentials.source";
  /** Static bearer token sent as {@code Authorization: Bearer ...}. */
  public static final String BEARER_AUTH_TOKEN = "bearer.auth.token";
  /** Serializers register the record schema when it is missing. */
  public static final String AUTO_REGISTER_SCHEMAS = "auto.register.schemas";
  /** Serializers use the subject's latest version instead of looking up the record schema. */
  public static final String USE_LATEST_VERSION = "use.latest.version";
  /** Entries per client cache (schema to id, id to schema, lookups). */
  public static final String CACHE_CAPACITY = "schema.registry.cache.capacity";
  /** Per-request timeout. */
  public static final String REQUEST_TIMEOUT_MS = "schema.registry.request.timeout.ms";
  /** TCP connect timeout. */
  public static final String CONNECT_TIMEOUT_MS = "schema.registry.connect.timeout.ms";
  /** Retries after an I/O error or a 5xx on every URL. */
  public static final String MAX_RETRIES = "schema.registry.max.retries";
  /** First backoff between retry rounds; doubles each round. */
  public static final String RETRIES_WAIT_MS = "schema.registry.retries.wait.ms";
  /** Cap of the backoff. */
  public static final String RETRIES_MAX_WAIT_MS = "schema.registry.retries.max.wait.ms";

  public static final String CREDENTIALS_SOURCE_URL = "URL";
  public static final String CREDENTIALS_SOURCE_USER_INFO = "USER_INFO";
  public static final String CREDENTIALS_SOURCE_STATIC_TOKEN = "STATIC_TOKEN";
  public static final String MOCK_URL_SCHEME = "mock://";

  public static final int DEFAULT_CACHE_CAPACITY = 1000;
  public static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
  public static final int DEFAULT_CONNECT_TIMEOUT_MS = 10_000;
  public static final int DEFAULT_MAX_RETRIES = 3;
  public static final long DEFAULT_RETRIES_WAIT_MS = 200;
  public static final long DEFAULT_RETRIES_MAX_WAIT_MS = 5_000;

  /** A fresh definition of every key above; subclasses add their own keys to it. */
  public static ConfigDef configDef() {
    return new ConfigDef()
        .define(SCHEMA_REGISTRY_URL, Type.LIST, List.of(), Importance.HIGH,
            "Comma-separated schema registry base URLs, tried in turn on failure; mock://SCOPE for an in-memory registry")
        .define(BASIC_AUTH_CREDENTIALS_SOURCE, Type.STRING, CREDENTIALS_SOURCE_URL,
            ValidString.in(CREDENTIALS_SOURCE_URL, CREDENTIALS_SOURCE_USER_INFO), Importance.MEDIUM,
            "Where basic-auth credentials come from: URL (user info of the URL) or USER_INFO")
        .define(BASIC_AUTH_USER_INFO, Type.PASSWORD, null, Importance.MEDIUM,
            "user:password for basic auth when the source is USER_INFO")
        .define(BEARER_AUTH_CREDENTIALS_SOURCE, Type.STRING, CREDENTIALS_SOURCE_STATIC_TOKEN,
            ValidString.in(CREDENTIALS_SOURCE_STATIC_TOKEN), Importance.LOW,
            "Where the bearer token comes from; only STATIC_TOKEN")
        .define(BEARER_AUTH_TOKEN, Type.PASSWORD, null, Importance.MEDIUM,
            "Static bearer token")
        .define(AUTO_REGISTER_SCHEMAS, Type.BOOLEAN, true, Importance.MEDIUM,
            "Serializers register a missing record schema under the subject")
        .define(USE_LATEST_VERSION, Type.BOOLEAN, false, Importance.LOW,
            "Serializers use the subject's latest version (must equal the record schema) when not auto-registering")
        .define(CACHE_CAPACITY, Type.INT, DEFAULT_CACHE_CAPACITY, Range.atLeast(1), Importance.LOW,
            "Maximum entries of each client cache")
        .define(REQUEST_TIMEOUT_MS, Type.INT, DEFAULT_REQUEST_TIMEOUT_MS, Range.atLeast(1), Importance.LOW,
            "Timeout of one HTTP request to the registry")
        .define(CONNECT_TIMEOUT_MS, Type.INT, DEFAULT_CONNECT_TIMEOUT_MS, Range.atLeast(1), Importance.LOW,
            "TCP connect timeout to the registry")
        .define(MAX_RETRIES, Type.INT, DEFAULT_MAX_RETRIES, Range.atLeast(0), Importance.LOW,
            "Retry rounds after I/O errors or 5xx answers from every URL")
        .define(RETRIES_WAIT_MS, Type.LONG, DEFAULT_RETRIES_WAIT_MS, Range.atLeast(0), Importance.LOW,
            "First backoff between retry rounds (doubles each round)")
        .define(RETRIES_MAX_WAIT_MS, Type.LONG, DEFAULT_RETRIES_MAX_WAIT_MS, Range.atLeast(0), Importance.LOW,
            "Maximum backoff between retry rounds");
  }

  public RegistryClientConfig(Map<?, ?> props) {
    this(configDef(), props);
  }

  protected RegistryClientConfig(ConfigDef definition, Map<?, ?> props) {
    super(definition, props, false);
  }

  public List<String> urls() {
    return getList(SCHEMA_REGISTRY_URL);
  }

  public boolean autoRegisterSchemas() {
    return getBoolean(AUTO_REGISTER_SCHEMAS);
  }

  public boolean useLatestVersion() {
    return getBoolean(USE_LATEST_VERSION);
  }

  public int cacheCapacity() {
    return getInt(CACHE_CAPACITY);
  }

  /** The basic-auth user info from {@link #BASIC_AUTH_USER_INFO}, or null. */
  public String basicAuthUserInfo() {
    Password p = getPassword(BASIC_AUTH_USER_INFO);
    return p == null ? null : p.value();
  }

  /** The bearer token, or null. */
  public String bearerToken() {
    Password p = getPassword(BEARER_AUTH_TOKEN);
    return p == null ? null : p.value();
  }
}
