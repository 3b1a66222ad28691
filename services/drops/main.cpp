// livedrop-drops: products, drops and the scheduler that starts and ends them on time.
// Wiring only: options → Redis → views → scheduler → app → inventory consumer → gRPC.
#include "drop_views.h"
#include "drops_app.h"
#include "drops_grpc.h"
#include "drops_migrations.h"
#include "drops_options.h"
#include "drops_scheduler.h"
#include "image_worker.h"
#include "images_app.h"
#include "images_grpc.h"
#include "inventory_events_handler.h"
#include "livedrop/kafka/consumer.h"
#include "livedrop/kafka/topics.h"
#include "livedrop/redis/pool.h"
#include "livedrop/s3/object_store.h"
#include "livedrop/grpc/tls.h"
#include "livedrop/service/service_main.h"

using namespace livedrop;

int main(int argc, char** argv) {
  return service::ServiceMain(
      {"livedrop-drops", "Products and drops of Live Drops, started and ended on time.", "drops",
       &drops::Migrations(), 7003, 9003},
      argc, argv, &drops::DropsOptions::Declare, [](service::Runtime& rt) {
        const auto options = drops::DropsOptions::From(rt.config);
        std::shared_ptr<redis::Pool> redis;
        if (!options.redis_url.empty()) {
          redis = std::make_shared<redis::Pool>(redis::RedisOptions{options.redis_url});
        }
        auto views = std::make_shared<drops::DropViews>(
            redis::VersionedCache(redis.get(), "drop", options.cache_ttl),
            redis::VersionedCache(redis.get(), "product", options.product_cache_ttl));
        auto scheduler = std::make_shared<drops::DropsScheduler>(options.scheduler_max_sleep,
                                                                 options.scheduler_retry);
        auto app = std::make_shared<drops::DropsApp>(rt.pool, *views, *scheduler, options);
        // The scheduler holds the app until it has stopped (it is released after the app).
        scheduler->Start([app] { return app->StartAndEndDue(); });
        // sold_out / restocked from inventory move a live drop to sold_out and back.
        auto consumer =
            std::make_shared<kafka::Consumer>(rt.Consumer("livedrop-drops", {topics::kInventory}));
        consumer->Start(drops::InventoryEventsHandler(*app));
        // Product images: the bucket, the worker threads, their use cases.
        std::shared_ptr<s3::S3ObjectStore> store;
        std::shared_ptr<drops::ImageWorker> worker;
        if (!options.s3_endpoint.empty()) {
          store = std::make_shared<s3::S3ObjectStore>(s3::S3Config{
              options.s3_endpoint, options.s3_public_endpoint, options.s3_region,
              options.s3_bucket, {options.s3_access_key, options.s3_secret_key}});
          worker = std::make_shared<drops::ImageWorker>(options.image_workers,
                                                        options.image_queue);
        }
        auto images = std::make_shared<drops::ImagesApp>(
            rt.pool, *views, store.get(), worker.get(), drops::ImagesConfigFrom(options));
        images->ResumeProcessing();
        auto images_grpc = std::make_shared<drops::ImagesGrpc>(*images);
        auto grpc = std::make_shared<drops::DropsGrpc>(*app);
        // Who may call which method (certificate names): the gateway acts for end users;
        // other services act as themselves.
        rt.Serve(grpc.get(), rpc::AccessPolicy()
                                 .Allow<drops::v1::DropsService>(
                                     {"CreateProduct", "GetProduct", "GetProducts", "CreateDrop", "GetDrop", "GetDrops",
                         "ListDrops", "CancelDrop"},
                                     {rpc::kGatewayIdentity})
                                 .Allow<drops::v1::DropsService>(
                                     {"GetTermsOfSale"},
                                     {"livedrop-orders"}));
        rt.Serve(images_grpc.get(),
                 rpc::AccessPolicy().Allow<drops::v1::ProductImagesService>(
                     {"CreateImageUpload", "CompleteImageUpload", "GetProductImage",
                      "DeleteProductImage"},
                     {rpc::kGatewayIdentity}));
        rt.Keep(redis);
        rt.Keep(views);
        rt.Keep(scheduler);
        rt.Keep(app);
        rt.Keep(consumer);
        rt.Keep(store);
        rt.Keep(images);
        rt.Keep(worker);  // stopped (its threads joined) before the app they call is released
        rt.Keep(images_grpc);
        rt.Keep(grpc);
      });
}
