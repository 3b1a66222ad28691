// The batch reads a GraphQL loader makes (DropsApp::GetProducts, GetDrops) on a real
// PostgreSQL, and on Redis where the cached views are the point.
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cctype>
#include <functional>
#include <memory>
#include <pqxx/pqxx>

#include "drop_views.h"
#include "drops_app.h"
#include "drops_grpc.h"
#include "drops_migrations.h"
#include "drops_scheduler.h"
#include "drops_store.h"
#include "livedrop/core/batch.h"
#include "livedrop/core/error.h"
#include "livedrop/core/ids.h"
#include "livedrop/grpc/client.h"
#include "livedrop/grpc/status.h"
#include "livedrop/redis/pool.h"
#include "livedrop/testing/in_process_server.h"
#include "livedrop/testing/servers.h"
#include "livedrop/testing/service_database.h"

namespace livedrop::drops {
namespace {

using namespace std::chrono_literals;
using google::protobuf::util::MessageDifferencer;
using Ids = std::vector<std::string>;

template <class Message>
Ids IdsOf(const std::vector<Message>& messages) {
  Ids ids;
  for (const auto& m : messages) ids.push_back(m.id());
  return ids;
}

class DropsBatchTest : public ::testing::Test {
 protected:
  explicit DropsBatchTest(bool with_redis = false)
      : redis_server_(with_redis ? std::make_unique<testing::RedisServer>() : nullptr),
        redis_pool_(with_redis
                        ? std::make_unique<redis::Pool>(redis::RedisOptions{redis_server_->Url()})
                        : nullptr),
        views_(redis::VersionedCache(redis_pool_.get(), "drop", 30s),
               redis::VersionedCache(redis_pool_.get(), "product", 30s)),
        app_(db_.pool(), views_, scheduler_) {}

  ProductRow NewProductRow(const std::string& title) {
    return app_.CreateProduct(creator_, NewProduct{title, "", 1500, "EUR", {"https://x/1.png"}});
  }
  std::string NewDropOf(const ProductRow& product) {
    return app_.CreateDrop(creator_, product.id, NewDrop{Now() + 1h, Now() + 2h, 10, 2}).drop.id;
  }
  void Sql(const std::string& statement) {
    db_.pool().Transact([&](pqxx::work& tx) { tx.exec(statement); });
  }

  testing::ServiceDatabase db_{"drops", Migrations(), 2};
  std::unique_ptr<testing::RedisServer> redis_server_;
  std::unique_ptr<redis::Pool> redis_pool_;
  DropsScheduler scheduler_;  // never started: CreateDrop only wakes it
  DropViews views_;
  DropsApp app_;
  const std::string creator_ = NewUuid();
};

TEST_F(DropsBatchTest, GetProducts_KnownUnknownRepeatedAndMalformed_EachFoundOnceInFirstOrder) {
  const auto tee = NewProductRow("Tee");
  const auto cap = NewProductRow("Cap");
  const auto mug = NewProductRow("Mug");
  const auto products =
      app_.GetProducts({mug.id, NewUuid(), tee.id, mug.id, "not-a-uuid", cap.id, tee.id});
  EXPECT_EQ(IdsOf(products), (Ids{mug.id, tee.id, cap.id}));
  ASSERT_EQ(products.size(), 3u);
  EXPECT_TRUE(MessageDifferencer::Equals(products[1], app_.GetProduct(tee.id)));
}

TEST_F(DropsBatchTest, GetDrops_KnownUnknownRepeatedAndMalformed_EachFoundOnceAsGetDropAnswers) {
  const auto tee = NewProductRow("Tee");
  const auto cap = NewProductRow("Cap");
  const std::string a = NewDropOf(tee), b = NewDropOf(cap), c = NewDropOf(tee);
  const auto drops = app_.GetDrops({c, NewUuid(), a, c, "not-a-uuid", b, a});
  EXPECT_EQ(IdsOf(drops), (Ids{c, a, b}));
  for (const auto& drop : drops) {
    EXPECT_TRUE(drop.has_product()) << drop.id();
    EXPECT_TRUE(MessageDifferencer::Equals(drop, app_.GetDrop(drop.id()))) << drop.id();
  }
}

TEST_F(DropsBatchTest, GetProductsAndGetDrops_UpperCaseId_IsTheSameOneAnsweredOnce) {
  const auto tee = NewProductRow("Tee");
  const std::string drop = NewDropOf(tee);
  const auto upper = [](std::string id) {
    for (char& ch : id) ch = static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
    return id;
  };
  EXPECT_EQ(IdsOf(app_.GetProducts({upper(tee.id), tee.id})), Ids{tee.id});
  EXPECT_EQ(IdsOf(app_.GetDrops({upper(drop), drop})), Ids{drop});
}

TEST_F(DropsBatchTest, MoreThanTheBound_IsValidationFailedOnIds) {
  const auto tee = NewProductRow("Tee");
  const std::string drop = NewDropOf(tee);
  EXPECT_EQ(IdsOf(app_.GetProducts(Ids(kMaxBatchSize, tee.id))), Ids{tee.id});
  EXPECT_EQ(IdsOf(app_.GetDrops(Ids(kMaxBatchSize, drop))), Ids{drop});
  for (const auto& call :
       {std::function<void()>([&] { app_.GetProducts(Ids(kMaxBatchSize + 1, tee.id)); }),
        std::function<void()>([&] { app_.GetDrops(Ids(kMaxBatchSize + 1, drop)); })}) {
    try {
      call();
      ADD_FAILURE() << kMaxBatchSize + 1 << " ids were accepted";
    } catch (const Error& e) {
      EXPECT_EQ(e.kind(), ErrorKind::kInvalidArgument);
      EXPECT_EQ(e.code(), "validation_failed");
      EXPECT_EQ(e.metadata().at("field"), "ids");
    }
  }
}

TEST_F(DropsBatchTest, EmptyList_AnswersEmptyWithoutAQuery) {
  const auto tee = NewProductRow("Tee");
  const std::string drop = NewDropOf(tee);
  Sql("ALTER TABLE drops RENAME TO drops_elsewhere");  // any query for either now fails
  Sql("ALTER TABLE products RENAME TO products_elsewhere");
  ASSERT_ANY_THROW(app_.GetProducts({tee.id}));
  ASSERT_ANY_THROW(app_.GetDrops({drop}));
  EXPECT_TRUE(app_.GetProducts({}).empty());
  EXPECT_TRUE(app_.GetDrops({}).empty());
  EXPECT_TRUE(app_.GetDrops({"not-a-uuid"}).empty());
}

class DropsBatchCacheTest : public DropsBatchTest {
 protected:
  DropsBatchCacheTest() : DropsBatchTest(/*with_redis=*/true) {}
};

TEST_F(DropsBatchCacheTest, GetDropsAndGetProducts_ReadCachedViewsAndCacheWhatTheyLoaded) {
  const auto tee = NewProductRow("Tee");  // CreateProduct caches nothing
  const auto cap = NewProductRow("Cap");
  const std::string a = NewDropOf(tee);  // CreateDrop caches the drop's view (not its product)
  const std::string b = db_.pool().Transact([&](pqxx::work& tx) {  // not cached
    return DropsStore::InsertDrop(tx, NewUuid(), creator_, cap.id,
                                  NewDrop{Now() + 1h, Now() + 2h, 5, 1})
        .id;
  });
  EXPECT_EQ(IdsOf(app_.GetDrops({b})), Ids{b});               // b and cap: loaded, then cached
  EXPECT_EQ(IdsOf(app_.GetProducts({tee.id})), Ids{tee.id});  // tee: loaded, then cached
  Sql("DELETE FROM drops");  // from now on only the cache knows them
  Sql("DELETE FROM products");
  const auto drops = app_.GetDrops({a, NewUuid(), b, a});
  EXPECT_EQ(IdsOf(drops), (Ids{a, b}));
  ASSERT_EQ(drops.size(), 2u);
  EXPECT_EQ(drops[0].product().title(), "Tee");
  EXPECT_EQ(drops[1].product().title(), "Cap");
  EXPECT_EQ(IdsOf(app_.GetProducts({cap.id, NewUuid(), tee.id, cap.id})), (Ids{cap.id, tee.id}));
}

// Through the handler, as the gateway calls it.
TEST_F(DropsBatchTest, Rpcs_AnswerInOrderEmptyForNoIdsAndRefuseTooManyAsInvalidArgument) {
  const auto tee = NewProductRow("Tee");
  const auto cap = NewProductRow("Cap");
  const std::string a = NewDropOf(tee), b = NewDropOf(cap);
  DropsGrpc handler(app_);
  testing::InProcessServer server(&handler, {"livedrop-drops", 8, 100ms});
  auto stub = v1::DropsService::NewStub(rpc::MakeChannel<v1::DropsService>(server.Address()));
  const auto refused_as_invalid = [](const ::grpc::Status& status) {
    EXPECT_EQ(status.error_code(), ::grpc::StatusCode::INVALID_ARGUMENT);
    const Error error = rpc::FromStatus(status);
    EXPECT_EQ(error.code(), "validation_failed");
    EXPECT_EQ(error.metadata().count("field") ? error.metadata().at("field") : "", "ids");
  };

  v1::GetProductsRequest products_req;
  for (const auto& id : {cap.id, NewUuid(), tee.id, cap.id}) products_req.add_ids(id);
  v1::GetProductsResponse products;
  ASSERT_TRUE(stub->GetProducts(rpc::NewClientContext(5s).get(), products_req, &products).ok());
  ASSERT_EQ(products.products_size(), 2);
  EXPECT_EQ(products.products(0).id(), cap.id);
  EXPECT_EQ(products.products(0).title(), "Cap");
  EXPECT_EQ(products.products(1).id(), tee.id);
  while (products_req.ids_size() <= kMaxBatchSize) products_req.add_ids(tee.id);
  refused_as_invalid(stub->GetProducts(rpc::NewClientContext(5s).get(), products_req, &products));
  products_req.Clear();
  ASSERT_TRUE(stub->GetProducts(rpc::NewClientContext(5s).get(), products_req, &products).ok());
  EXPECT_EQ(products.products_size(), 0);

  v1::GetDropsRequest drops_req;
  for (const auto& id : {b, NewUuid(), a, b}) drops_req.add_ids(id);
  v1::GetDropsResponse drops;
  ASSERT_TRUE(stub->GetDrops(rpc::NewClientContext(5s).get(), drops_req, &drops).ok());
  ASSERT_EQ(drops.drops_size(), 2);
  EXPECT_EQ(drops.drops(0).id(), b);
  EXPECT_EQ(drops.drops(0).product().title(), "Cap");
  EXPECT_EQ(drops.drops(0).status(), v1::DROP_STATUS_SCHEDULED);
  EXPECT_EQ(drops.drops(1).id(), a);
  EXPECT_EQ(drops.drops(1).product().id(), tee.id);
  while (drops_req.ids_size() <= kMaxBatchSize) drops_req.add_ids(a);
  refused_as_invalid(stub->GetDrops(rpc::NewClientContext(5s).get(), drops_req, &drops));
  drops_req.Clear();
  ASSERT_TRUE(stub->GetDrops(rpc::NewClientContext(5s).get(), drops_req, &drops).ok());
  EXPECT_EQ(drops.drops_size(), 0);
}

}  // namespace
}  // namespace livedrop::drops
