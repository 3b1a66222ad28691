#include "livedrop/kafka/producer.h"

#include <spdlog/spdlog.h>

#include <condition_variable>
#include <mutex>
#include <thread>

#include "livedrop/core/error.h"
#include "rdkafka_util.h"

namespace livedrop::kafka {
namespace {

void OnDelivery(rd_kafka_t*, const rd_kafka_message_t* msg, void*) {
  auto* callback = static_cast<Producer::DeliveryCallback*>(msg->_private);
  if (callback == nullptr) return;
  std::unique_ptr<Producer::DeliveryCallback> owned(callback);
  DeliveryResult result;
  result.ok = msg->err == RD_KAFKA_RESP_ERR_NO_ERROR;
  if (!result.ok) {
    result.error = rd_kafka_err2str(msg->err);
    result.permanent = internal::IsPermanentMessageError(msg->err);
  }
  result.topic = rd_kafka_topic_name(msg->rkt);
  result.partition = msg->partition;
  result.offset = msg->offset;
  try {
    (*owned)(result);
  } catch (const std::exception& e) {
    spdlog::error("kafka delivery callback threw: {}", e.what());
  }
}

void OnError(rd_kafka_t* rk, int err, const char* reason, void*) {
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    rd_kafka_resp_err_t orig = rd_kafka_fatal_error(rk, fatal, sizeof(fatal));
    spdlog::critical("kafka producer fatal error {}: {}", rd_kafka_err2name(orig), fatal);
    return;
  }
  // Transport errors are retried by librdkafka; they are worth a line, not an alarm.
  spdlog::warn("kafka producer {}: {}", rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err)),
               reason);
}

}  // namespace

struct Producer::Impl {
  rd_kafka_t* rk = nullptr;
  std::jthread poller;

  ~Impl() {
    if (poller.joinable()) {
      poller.request_stop();
      poller.join();
    }
    if (rk != nullptr) rd_kafka_destroy(rk);
  }
};

Producer::Producer(ProducerOptions options) : impl_(std::make_unique<Impl>()) {
  if (options.brokers.empty()) {
    throw Error(ErrorKind::kInvalidArgument, "validation_failed", "kafka brokers are required");
  }
  auto conf = internal::MakeConf({
      {"bootstrap.servers", options.brokers},
      {"client.id", options.client_id},
      {"enable.idempotence", "true"},
      {"acks", "all"},
      {"message.timeout.ms", std::to_string(options.delivery_timeout.count())},
      // Events such as drop_started are latency-sensitive; batch only briefly.
      {"linger.ms", std::to_string(options.linger.count())},
      // Requests are small and latency-bound; do not let Nagle hold one behind an unacked one.
      {"socket.nagle.disable", "true"},
  });
  for (const auto& [key, value] : options.settings) internal::SetOrThrow(conf.get(), key, value);
  rd_kafka_conf_set_dr_msg_cb(conf.get(), &OnDelivery);
  rd_kafka_conf_set_error_cb(conf.get(), &OnError);
  impl_->rk = internal::NewClient(RD_KAFKA_PRODUCER, std::move(conf));
  rd_kafka_t* rk = impl_->rk;
  impl_->poller = std::jthread([rk](std::stop_token stop) {
    while (!stop.stop_requested()) rd_kafka_poll(rk, 50);
  });
}

Producer::~Producer() {
  if (!Flush(std::chrono::seconds(5))) {
    spdlog::warn("kafka producer closing with {} undelivered messages", OutQueueLength());
  }
  // Fail whatever is left so every waiter and callback hears back before the handle goes.
  rd_kafka_purge(impl_->rk, RD_KAFKA_PURGE_F_QUEUE | RD_KAFKA_PURGE_F_INFLIGHT);
  impl_->poller.request_stop();
  impl_->poller.join();
  rd_kafka_poll(impl_->rk, 0);
}

void Producer::Produce(std::string_view topic, std::string_view key, std::string_view value,
                       DeliveryCallback on_delivery, const Headers& headers) {
  auto callback = on_delivery ? std::make_unique<DeliveryCallback>(std::move(on_delivery))
                              : std::unique_ptr<DeliveryCallback>();
  rd_kafka_headers_t* hdrs = nullptr;
  if (!headers.empty()) {
    hdrs = rd_kafka_headers_new(headers.size());
    for (const auto& [name, header_value] : headers) {
      rd_kafka_header_add(hdrs, name.data(), static_cast<ssize_t>(name.size()), header_value.data(),
                          static_cast<ssize_t>(header_value.size()));
    }
  }
  std::string topic_name(topic);
  rd_kafka_resp_err_t err =
      rd_kafka_producev(impl_->rk, RD_KAFKA_V_TOPIC(topic_name.c_str()),
                        RD_KAFKA_V_KEY(const_cast<char*>(key.data()), key.size()),
                        RD_KAFKA_V_VALUE(const_cast<char*>(value.data()), value.size()),
                        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_HEADERS(hdrs),
                        RD_KAFKA_V_OPAQUE(callback.get()), RD_KAFKA_V_END);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    if (hdrs != nullptr) rd_kafka_headers_destroy(hdrs);  // only freed by librdkafka on success
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      throw Error(ErrorKind::kUnavailable, "producer_queue_full", "kafka producer queue is full");
    }
    if (internal::IsPermanentMessageError(err)) {
      throw Error(ErrorKind::kInvalidArgument, "message_rejected",
                  "kafka cannot take this message for " + topic_name + ": " + rd_kafka_err2str(err));
    }
    throw Error(ErrorKind::kUnavailable, "produce_failed",
                "cannot produce to " + topic_name + ": " + rd_kafka_err2str(err));
  }
  callback.release();  // OnDelivery owns it now
}

DeliveryResult Producer::ProduceSync(std::string_view topic, std::string_view key,
                                     std::string_view value, std::chrono::milliseconds timeout,
                                     const Headers& headers) {
  struct Waiter {
    std::mutex mu;
    std::condition_variable cv;
    bool done = false;
    DeliveryResult result;
  };
  // Shared: the report may arrive after we gave up waiting.
  auto waiter = std::make_shared<Waiter>();
  try {
    Produce(
        topic, key, value,
        [waiter](const DeliveryResult& result) {
          std::lock_guard lock(waiter->mu);
          waiter->result = result;
          waiter->done = true;
          waiter->cv.notify_all();
        },
        headers);
  } catch (const Error& e) {
    throw Error(ErrorKind::kUnavailable, "broker_unavailable", e.what());
  }
  std::unique_lock lock(waiter->mu);
  if (!waiter->cv.wait_for(lock, timeout, [&] { return waiter->done; })) {
    throw Error(ErrorKind::kUnavailable, "broker_unavailable",
                "no delivery report from kafka for " + std::string(topic) + " within " +
                    std::to_string(timeout.count()) + " ms");
  }
  if (!waiter->result.ok) {
    throw Error(ErrorKind::kUnavailable, "broker_unavailable",
                "kafka delivery to " + std::string(topic) + " failed: " + waiter->result.error);
  }
  return waiter->result;
}

bool Producer::Flush(std::chrono::milliseconds timeout) {
  return rd_kafka_flush(impl_->rk, static_cast<int>(timeout.count())) == RD_KAFKA_RESP_ERR_NO_ERROR;
}

int Producer::OutQueueLength() const { return rd_kafka_outq_len(impl_->rk); }

}  // namespace livedrop::kafka
