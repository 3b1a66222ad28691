#include "drop_catalog.h"

#include "livedrop/grpc/client.h"
#include "livedrop/grpc/proto_values.h"
#include "livedrop/grpc/status.h"

namespace livedrop::orders {
namespace {

constexpr std::size_t kMaxEntries = 10000;

}  // namespace

DropCatalog::DropCatalog(std::shared_ptr<::grpc::Channel> drops_channel,
                         std::chrono::milliseconds ttl, std::chrono::milliseconds sold_out_memory)
    : stub_(drops::v1::DropsService::NewStub(std::move(drops_channel))),
      ttl_(ttl),
      sold_out_memory_(sold_out_memory) {}

DropTerms DropCatalog::Get(const std::string& drop_id) {
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mutex_);
    if (const auto it = entries_.find(drop_id);
        it != entries_.end() && now - it->second.fetched < ttl_) {
      return it->second.terms;
    }
  }
  auto terms = Fetch(drop_id);
  std::lock_guard lock(mutex_);
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_[drop_id] = Entry{terms, now};
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
  if (sold_out_until_.size() >= kMaxEntries) sold_out_until_.clear();
  sold_out_until_[drop_id] = std::chrono::steady_clock::now() + sold_out_memory_;
}

void DropCatalog::ForgetSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  sold_out_until_.erase(drop_id);
}

bool DropCatalog::KnownSoldOut(const std::string& drop_id) {
  std::lock_guard lock(mutex_);
  const auto it = sold_out_until_.find(drop_id);
  return it != sold_out_until_.end() && std::chrono::steady_clock::now() < it->second;
}

}  // namespace livedrop::orders
