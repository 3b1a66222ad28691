#include "drops_options.h"

#include "livedrop/config/config.h"

namespace livedrop::drops {

void DropsOptions::Declare(config::Spec& spec) {
  const DropsOptions d;
  spec.Duration("scheduler-max-sleep", "Longest pause between scheduler passes",
                d.scheduler_max_sleep)
      .Duration("scheduler-retry", "Pause after a scheduler pass that failed", d.scheduler_retry)
      .String("redis-url", "Redis for the read cache (redis://host:port); empty: no cache",
              d.redis_url)
      .Duration("cache-ttl", "How long a cached drop view may live", d.cache_ttl)
      .Duration("product-cache-ttl", "How long a cached product view may live",
                d.product_cache_ttl)
      .String("s3-endpoint",
              "Object store for product images, http(s)://host[:port]; empty: no images",
              d.s3_endpoint)
      .String("s3-public-endpoint",
              "The store's origin as clients reach it (upload URLs); empty: --s3-endpoint",
              d.s3_public_endpoint)
      .String("s3-region", "The bucket's region (SigV4 scope)", d.s3_region)
      .String("s3-bucket", "The bucket product images go to", d.s3_bucket)
      .String("s3-access-key", "Access key id for the object store", d.s3_access_key)
      .Secret("s3-secret-key", "Secret access key for the object store", d.s3_secret_key)
      .String("cdn-base-url", "Public base URL of the CDN in front of the bucket; empty: the "
              "public endpoint and bucket", d.cdn_base_url)
      .Int("image-max-bytes", "Largest image upload accepted, in bytes", d.image_max_bytes, 1,
           100LL * 1024 * 1024)
      .Duration("image-upload-ttl", "How long an upload URL is valid", d.image_upload_ttl)
      .Int("image-max-pixels", "Largest image accepted, width x height", d.image_max_pixels,
           1, 200'000'000)
      .Int("image-workers", "Threads that decode and resize images", d.image_workers, 1, 64)
      .Int("image-queue", "Completed images waiting for a worker; beyond: 429", d.image_queue,
           1, 10'000);
}

DropsOptions DropsOptions::From(const config::Config& cfg) {
  DropsOptions o;
  o.scheduler_max_sleep = cfg.GetDuration("scheduler-max-sleep");
  o.scheduler_retry = cfg.GetDuration("scheduler-retry");
  o.redis_url = cfg.GetString("redis-url");
  o.cache_ttl = cfg.GetDuration("cache-ttl");
  o.product_cache_ttl = cfg.GetDuration("product-cache-ttl");
  o.kafka_brokers = cfg.GetString("kafka-brokers");
  o.s3_endpoint = cfg.GetString("s3-endpoint");
  o.s3_public_endpoint = cfg.GetString("s3-public-endpoint");
  o.s3_region = cfg.GetString("s3-region");
  o.s3_bucket = cfg.GetString("s3-bucket");
  o.s3_access_key = cfg.GetString("s3-access-key");
  o.s3_secret_key = cfg.GetString("s3-secret-key");
  o.cdn_base_url = cfg.GetString("cdn-base-url");
  o.image_max_bytes = cfg.GetInt("image-max-bytes");
  o.image_upload_ttl = cfg.GetDuration("image-upload-ttl");
  o.image_max_pixels = cfg.GetInt("image-max-pixels");
  o.image_workers = static_cast<int>(cfg.GetInt("image-workers"));
  o.image_queue = static_cast<int>(cfg.GetInt("image-queue"));
  return o;
}

}  // namespace livedrop::drops
