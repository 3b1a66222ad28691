// DropCatalog's two memories (terms, sold out): bounded, least recently used evicted one at a
// time instead of emptying, and expired on time. Terms come from a fake livedrop-drops that
// counts its calls, so a cache hit is a call not made.
#include "drop_catalog.h"

#include <gtest/gtest.h>

#include "clients/fake_drops.h"
#include "livedrop/testing/eventually.h"

namespace livedrop::orders {
namespace {

using namespace std::chrono_literals;

class DropCatalogTest : public ::testing::Test {
 protected:
  DropCatalog Catalog(std::chrono::milliseconds ttl, std::chrono::milliseconds sold_out_memory,
                      std::size_t max_drops) {
    return DropCatalog(drops_, ttl, sold_out_memory, max_drops);
  }
  // How many of `drop_ids` the catalog had to ask livedrop-drops for.
  int Fetched(DropCatalog& catalog, std::initializer_list<const char*> drop_ids) {
    const int before = drops_.calls();
    for (const char* id : drop_ids) EXPECT_EQ(catalog.Get(id).id, id);
    return drops_.calls() - before;
  }

  FakeDrops drops_;
};

TEST_F(DropCatalogTest, Terms_AtTheBound_EvictTheLeastRecentlyUsedDropInsteadOfEmptying) {
  auto catalog = Catalog(1h, 1h, 3);
  ASSERT_EQ(Fetched(catalog, {"d0", "d1", "d2"}), 3);
  ASSERT_EQ(Fetched(catalog, {"d0", "d2"}), 0);  // d1 is now the least recently used
  ASSERT_EQ(Fetched(catalog, {"d3"}), 1);        // one past the bound
  EXPECT_EQ(Fetched(catalog, {"d0", "d2", "d3"}), 0);
  EXPECT_EQ(Fetched(catalog, {"d1"}), 1);
}

TEST_F(DropCatalogTest, Terms_AreAskedAgainAfterTheirTtl) {
  auto catalog = Catalog(50ms, 1h, 10);
  ASSERT_EQ(Fetched(catalog, {"d0"}), 1);
  ASSERT_EQ(Fetched(catalog, {"d0"}), 0);
  testing::Idle(80ms, "past the terms' 50 ms ttl");
  EXPECT_EQ(Fetched(catalog, {"d0"}), 1);
}

TEST_F(DropCatalogTest, SoldOut_AtTheBound_ForgetsOnlyTheLeastRecentDrop) {
  auto catalog = Catalog(1h, 1h, 2);
  catalog.RememberSoldOut("a");
  catalog.RememberSoldOut("b");
  ASSERT_TRUE(catalog.KnownSoldOut("a"));  // a is now more recent than b
  catalog.RememberSoldOut("c");
  EXPECT_TRUE(catalog.KnownSoldOut("a"));
  EXPECT_TRUE(catalog.KnownSoldOut("c"));
  EXPECT_FALSE(catalog.KnownSoldOut("b"));
}

TEST_F(DropCatalogTest, SoldOut_IsForgottenAfterItsMemoryOrWhenToldTo) {
  auto catalog = Catalog(1h, 50ms, 10);
  catalog.RememberSoldOut("a");
  catalog.RememberSoldOut("b");
  ASSERT_TRUE(catalog.KnownSoldOut("a"));
  catalog.ForgetSoldOut("b");
  EXPECT_FALSE(catalog.KnownSoldOut("b"));
  testing::Idle(80ms, "past the 50 ms sold-out memory");
  EXPECT_FALSE(catalog.KnownSoldOut("a"));
}

}  // namespace
}  // namespace livedrop::orders
