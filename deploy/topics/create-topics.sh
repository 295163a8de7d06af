#!/usr/bin/env bash
# One-shot topic creation from topics.csv (the catalogue io.thermocline.topics.Topics, checked by
# services/deploy-check). Idempotent: existing topics are left as they are. Runs in the apache/kafka
# image (docker-compose service topics-init).
#   BOOTSTRAP_SERVERS   broker list (required)
#   REPLICATION_FACTOR  default 1
#   KAFKA_TOPICS        the kafka-topics tool, default /opt/kafka/bin/kafka-topics.sh
#   WAIT_SECONDS        how long to wait for the broker, default 120
set -euo pipefail
HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
BOOTSTRAP="${BOOTSTRAP_SERVERS:?BOOTSTRAP_SERVERS is required}"
RF="${REPLICATION_FACTOR:-1}"
KT="${KAFKA_TOPICS:-/opt/kafka/bin/kafka-topics.sh}"
WAIT_SECONDS="${WAIT_SECONDS:-120}"

deadline=$((SECONDS + WAIT_SECONDS))
until "$KT" --bootstrap-server "$BOOTSTRAP" --list >/dev/null 2>&1; do
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "broker $BOOTSTRAP not reachable after ${WAIT_SECONDS}s" >&2
    exit 1
  fi
  sleep 2
done

count=0
while IFS=, read -r name partitions cleanup retention; do
  case "$name" in ''|'#'*) continue ;; esac
  args=(--bootstrap-server "$BOOTSTRAP" --create --if-not-exists --topic "$name"
        --partitions "$partitions" --replication-factor "$RF" --config "cleanup.policy=$cleanup")
  if [ -n "$retention" ]; then
    args+=(--config "retention.ms=$retention")
  fi
  "$KT" "${args[@]}"
  count=$((count + 1))
done < "$HERE/topics.csv"
echo "topics-init: $count topics ensured on $BOOTSTRAP"
