#pragma once

#include <optional>

#include "drops_logic.h"
#include "images_logic.h"
#include "livedrop/drops/v1/drops.pb.h"

// Rows ↔ v1 messages, for the gRPC answers, the cached views and the events.
namespace livedrop::drops {

void ToProto(const ProductRow& row, v1::Product& out);
// `available` is the quantity (0 once sold out); the gateway shows inventory's live stock.
void ToProto(const DropRow& row, const ProductRow* product, v1::Drop& out);
v1::TermsOfSale ToTermsOfSale(const DropRow& drop, const ProductRow& product);
void ToProto(const ImageView& view, v1::ProductImage& out);
void ToProto(const ImageRow& row, v1::ProductImage& out);
// A ListDrops filter; UNSPECIFIED (or unknown) is no filter.
std::optional<DropStatus> FromProto(v1::DropStatus status);

}  // namespace livedrop::drops
