#include "passwords.h"

#include <gtest/gtest.h>

#include <atomic>
#include <barrier>
#include <thread>
#include <vector>

#include "livedrop/core/error.h"

namespace livedrop::auth {
namespace {

// A hash slow enough (64 MiB, 3 passes) that threads released together overlap in it.
const PasswordHashCost kSlow{3, 64u << 20};

TEST(PasswordHasher, NoRoomToWait_RefusesBusyInsteadOfQueueing) {
  const PasswordHasher hasher(kSlow, 1, PasswordHashQueue{0, std::chrono::seconds(30)});
  constexpr int kCallers = 3;
  std::barrier start(kCallers);
  std::atomic<int> hashed{0}, busy{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < kCallers; ++i) {
    callers.emplace_back([&] {
      start.arrive_and_wait();
      try {
        hasher.Hash("correct horse");
        ++hashed;
      } catch (const Error& e) {
        EXPECT_EQ(e.kind(), ErrorKind::kResourceExhausted);
        EXPECT_EQ(e.code(), "busy");
        ++busy;
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_GE(hashed.load(), 1);
  EXPECT_GE(busy.load(), 1);  // one slot, nobody may wait: the overlapping ones are refused
  EXPECT_EQ(hashed + busy, kCallers);
}

TEST(PasswordHasher, RoomToWait_EveryoneIsServedInTurn) {
  const PasswordHasher hasher(PasswordHashCost{1, 8 * 1024}, 1,
                              PasswordHashQueue{8, std::chrono::seconds(30)});
  std::vector<std::thread> callers;
  std::atomic<int> verified{0};
  const std::string hash = hasher.Hash("pw");
  for (int i = 0; i < 4; ++i) {
    callers.emplace_back([&] {
      if (hasher.Verify(hash, "pw")) ++verified;
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(verified.load(), 4);
}

}  // namespace
}  // namespace livedrop::auth
