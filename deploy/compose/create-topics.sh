#!/bin/bash
# Creates every Kafka topic of the platform (libs/kafka/include/livedrop/kafka/topics.h) and its
# dead-letter topic (<topic>.dlq, where a consumer parks a message it cannot handle), with their
# partitions: the broker never creates topics by itself. Run by the kafka-topics one-shot of
# docker-compose.yml; safe to run again. tests/deploy checks this list against topics.h.
#   KAFKA_BOOTSTRAP     bootstrap servers (kafka:9092)
#   TOPIC_PARTITIONS    partitions per topic (12: more than the instances of any consumer group)
#   TOPIC_REPLICATION   replication factor (1 on one broker; 3 on a real cluster)
#   KAFKA_COMMAND_CONFIG  optional client properties file (SASL/TLS on a real cluster)
set -euo pipefail

TOPICS=(
  livedrop.auth
  livedrop.followers
  livedrop.drops
  livedrop.inventory
  livedrop.stock
  livedrop.orders
  livedrop.payment
  livedrop.notifications
)

bootstrap="${KAFKA_BOOTSTRAP:-kafka:9092}"
partitions="${TOPIC_PARTITIONS:-12}"
replication="${TOPIC_REPLICATION:-1}"
kafka_topics=/opt/kafka/bin/kafka-topics.sh
extra=()
[ -n "${KAFKA_COMMAND_CONFIG:-}" ] && extra=(--command-config "$KAFKA_COMMAND_CONFIG")

for topic in "${TOPICS[@]}"; do
  for name in "$topic" "$topic.dlq"; do
    "$kafka_topics" --bootstrap-server "$bootstrap" "${extra[@]}" --create --if-not-exists \
      --topic "$name" --partitions "$partitions" --replication-factor "$replication"
  done
done
# What exists now, for the log of the one-shot.
"$kafka_topics" --bootstrap-server "$bootstrap" "${extra[@]}" --list
