#pragma once

#include <chrono>
#include <string>

namespace livedrop::config {
class Spec;
class Config;
}  // namespace livedrop::config

namespace livedrop::drops {

// Every setting of livedrop-drops. The member initializers are the flags' defaults (Declare
// reads them from a default-constructed DropsOptions), so a struct built in a test and the
// binary run without flags behave alike.
struct DropsOptions {
  // Longest pause between scheduler passes: how soon a drop created on another instance is
  // seen (a local CreateDrop wakes the scheduler at once, so this matters only when the
  // instance that created a drop is gone before its start). Each pass is a transaction: at
  // 50 ms the schedulers alone were half an idle platform's commits (20 of 36 a second).
  std::chrono::milliseconds scheduler_max_sleep = std::chrono::seconds(1);
  // Pause after a pass that failed (PostgreSQL down), so a dead database is not hammered.
  std::chrono::milliseconds scheduler_retry = std::chrono::milliseconds(500);
  int scheduler_batch = 200;  // drops started (and ended) per pass at most

  std::string redis_url;  // the read cache; empty: no cache
  std::chrono::milliseconds cache_ttl = std::chrono::seconds(30);  // a drop view's lifetime
  std::chrono::milliseconds product_cache_ttl = std::chrono::hours(1);

  // Where inventory's sold_out / restocked are consumed from (ServiceMain's --kafka-brokers).
  std::string kafka_brokers;

  // Product images: the bucket (any S3-compatible store) and the CDN in front of it. No
  // endpoint: the image calls answer unavailable (images_not_configured).
  std::string s3_endpoint;         // how this service reaches the store
  std::string s3_public_endpoint;  // the origin in upload URLs (clients'); empty: s3_endpoint
  std::string s3_region = "us-east-1";
  std::string s3_bucket = "livedrop-media";
  std::string s3_access_key;
  std::string s3_secret_key;
  std::string cdn_base_url;  // public images are <cdn_base_url>/i/<sha256>.<ext>
  long long image_max_bytes = 10 * 1024 * 1024;
  std::chrono::milliseconds image_upload_ttl = std::chrono::minutes(10);
  long long image_max_pixels = 40'000'000;
  int image_workers = 1;      // threads decoding and resizing (CPU-bound)
  int image_queue = 16;       // completed images waiting for a worker; more: 429

  static void Declare(config::Spec& spec);
  static DropsOptions From(const config::Config& cfg);
};

}  // namespace livedrop::drops
