package io.thermocline.registry;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;

/** A small thread-safe LRU map bounded to {@code capacity} entries. */
final class BoundedCache<K, V> {
  private static final float LOAD_FACTOR = 0.75f;
  private final int capacity;
  private final LinkedHashMap<K, V> map;

  BoundedCache(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("cache capacity must be >= 1, got " + capacity);
    }
    this.capacity = capacity;
    this.map =
        new LinkedHashMap<>(16, LOAD_FACTOR, true) {
          private static final long serialVersionUID = 1L;

          @Override
          protected boolean removeEldestEntry(Map.Entry<K, V> eldest) {
            return size() > BoundedCache.this.capacity;
          }
        };
  }

  synchronized V get(K key) {
    return map.get(key);
  }

  synchronized void put(K key, V value) {
    map.put(key, value);
  }

  synchronized void removeIf(Predicate<K> keyTest) {
    map.keySet().removeIf(keyTest);
  }

  synchronized int size() {
    return map.size();
  }

  synchronized void clear() {
    map.clear();
  }
}
