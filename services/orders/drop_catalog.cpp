#include "drop_catalog.h"

#include "livedrop/grpc/client.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/grpc/status.h"
#include "livedrop/metrics/registry.h"

namespace livedrop::orders {

DropCatalog::DropCatalog(std::shared_ptr<::grpc::Channel> drops_channel,
                         std::chrono::milliseconds ttl, std::chrono::milliseconds sold_out_memory,
                         std::size_t max_drops)
    : stub_(drops::v1::DropsService::NewStub(std::move(drops_channel))),
      ttl_(ttl),
      sold_out_memory_(sold_out_memory),
      terms_(max_drops, metrics::CacheEvictionCounter("drop_terms")),
      sold_out_(max_drops, metrics::CacheEvictionCounter("sold_out")) {}

DropTerms DropCatalog::Get(const std::string& drop_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (const DropTerms* known = terms_.Find(drop_id, now)) return *known;
  }
  auto terms = Fetch(drop_id);
  std::lock_guard lock(mutex_);
  terms_.Put(drop_id, terms, now + ttl_);
  return terms;
}

DropTerms DropCatalog::Fetch(const std::string& drop_id) {
  drops::v1::GetDropRequest req;
  req.set_id(drop_id);
  drops::v1::GetDropResponse resp;
  auto ctx = rpc::NewClientContext(std::chrono::seconds(2));
  const auto status = stub_->GetDrop(ctx.get(), req, &resp);
  if (status.error_code() == ::grpc::StatusCode::NOT_FOUND) throw NotFoundError("drop");
  if (!status.ok()) throw rpc::FromStatus(status);
  const auto& d = resp.drop();
  return DropTerms{d.id(),
                   rpc::EnumName(*drops::v1::DropStatus_descriptor(), d.status(), "DROP_STATUS_"),
                   rpc::FromTimestamp(d.starts_at()),
                   rpc::FromTimestamp(d.ends_at()),
                   d.per_buyer_limit(),
                   d.product().price().unit_amount(),
                   d.product().price().currency()};
}

void DropCatalog::RememberSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  sold_out_.Put(drop_id, true, std::chrono::steady_clock::now() + sold_out_memory_);
}

void DropCatalog::ForgetSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  sold_out_.Erase(drop_id);
}

bool DropCatalog::KnownSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  return sold_out_.Find(drop_id) != nullptr;
}

}  // namespace livedrop::orders
