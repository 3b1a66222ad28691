#include "livedrop/http/message.h"

#include <algorithm>
#include <cctype>

namespace livedrop::http {
namespace {

bool SameName(const std::string& a, const std::string& b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

}  // namespace

std::optional<std::string> Headers::Get(const std::string& name) const {
  for (const auto& [k, v] : fields_) {
    if (SameName(k, name)) return v;
  }
  return std::nullopt;
}

void Headers::Set(const std::string& name, std::string value) {
  fields_.erase(std::remove_if(fields_.begin(), fields_.end(),
                               [&](const auto& f) { return SameName(f.first, name); }),
                fields_.end());
  fields_.emplace_back(name, std::move(value));
}

void Headers::Add(const std::string& name, std::string value) {
  fields_.emplace_back(name, std::move(value));
}

std::optional<std::string> Request::QueryParam(const std::string& name) const {
  const auto it = query_params.find(name);
  if (it == query_params.end()) return std::nullopt;
  return it->second;
}

Response Response::Json(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "application/json");
  r.body = std::move(body);
  return r;
}

Response Response::Text(int status, std::string body) {
  Response r;
  r.status = status;
  r.headers.Set("Content-Type", "text/plain; charset=utf-8");
  r.body = std::move(body);
  return r;
}

}  // namespace livedrop::http
