#include "livedrop/grpc/proto_values.h"

#include <google/protobuf/descriptor.h>
#include <google/protobuf/timestamp.pb.h>

#include <cctype>
#include <map>
#include <mutex>
#include <unordered_map>

namespace livedrop::rpc {

void SetTimestamp(TimePoint t, google::protobuf::Timestamp* out) {
  const auto us = t.time_since_epoch().count();
  auto seconds = us / 1'000'000;
  auto micros = us % 1'000'000;
  if (micros < 0) {  // before 1970: nanos must stay in [0, 1e9)
    --seconds;
    micros += 1'000'000;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int>(micros) * 1000);
}

TimePoint FromTimestamp(const google::protobuf::Timestamp& ts) {
  return TimePoint(std::chrono::seconds(ts.seconds()) +
                   std::chrono::microseconds(ts.nanos() / 1000));
}

double SecondsSince(const google::protobuf::Timestamp& t) {
  return std::chrono::duration<double>(Now() - FromTimestamp(t)).count();
}

std::string Rfc3339(const google::protobuf::Timestamp& ts) {
  return FormatRfc3339(FromTimestamp(ts));
}

namespace {

constexpr std::string_view kUnspecified = "UNSPECIFIED";

// One enum's codes both ways, built from its descriptor the first time it is used.
struct CodeTable {
  std::unordered_map<int, std::string> code_of;
  std::unordered_map<std::string, int> value_of;
};

CodeTable BuildCodeTable(const google::protobuf::EnumDescriptor& type) {
  const auto* zero = type.FindValueByNumber(0);
  std::string_view prefix = zero ? std::string_view(zero->name()) : std::string_view();
  if (prefix.size() > kUnspecified.size() &&
      prefix.substr(prefix.size() - kUnspecified.size()) == kUnspecified) {
    prefix.remove_suffix(kUnspecified.size());
  } else {
    prefix = {};
  }
  CodeTable table;
  for (int i = 0; i < type.value_count(); ++i) {
    const auto* value = type.value(i);
    std::string_view name = value->name();
    if (name.substr(0, prefix.size()) == prefix) name.remove_prefix(prefix.size());
    std::string code(name);
    for (auto& c : code) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    table.code_of.emplace(value->number(), code);
    table.value_of.emplace(std::move(code), value->number());
  }
  return table;
}

const CodeTable& CodeTableFor(const google::protobuf::EnumDescriptor& type) {
  static std::mutex mutex;
  static std::map<const google::protobuf::EnumDescriptor*, CodeTable> tables;
  std::lock_guard lock(mutex);
  auto it = tables.find(&type);
  if (it == tables.end()) it = tables.emplace(&type, BuildCodeTable(type)).first;
  return it->second;  // a std::map node never moves: safe to read once the lock is released
}

}  // namespace

std::string EnumCodeOf(const google::protobuf::EnumDescriptor& type, int value) {
  const auto& table = CodeTableFor(type);
  const auto it = table.code_of.find(value);
  return it == table.code_of.end() ? "unknown" : it->second;
}

int EnumValueOf(const google::protobuf::EnumDescriptor& type, std::string_view code) {
  const auto& table = CodeTableFor(type);
  const auto it = table.value_of.find(std::string(code));
  return it == table.value_of.end() ? 0 : it->second;
}

}  // namespace livedrop::rpc
