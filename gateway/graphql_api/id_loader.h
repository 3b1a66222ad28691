#pragma once

#include <algorithm>
#include <boost/json/value.hpp>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "clients/unary_call.h"
#include "graphql/resolvers.h"
#include "graphql_api/resolver_support.h"

namespace livedrop::gateway::api {

// A batch loader over a service's "get these ids" call: the request's distinct ids go out in
// calls of at most `max_ids` (the service's bound), at once; each key's value is `view` of the
// item with that id, or null when the service has none. A failed call fails its keys.
//   fetch(ids, origin, done)   starts the call for one chunk
//   items(response)            the response's repeated items
//   id(item), view(item)       an item's id and its GraphQL value
template <class Response, class Fetch, class Items, class Id, class View>
graphql::BatchLoader IdLoader(std::size_t max_ids, Fetch fetch, Items items, Id id, View view) {
  return [=](graphql::BatchCall batch) {
    struct State {
      std::mutex mutex;
      std::unordered_map<std::string, boost::json::value> found;
      std::optional<Error> failure;
      std::size_t pending = 0;
    };
    const auto& keys = batch.keys();
    auto state = std::make_shared<State>();
    std::vector<std::vector<std::string>> chunks;
    for (std::size_t i = 0; i < keys.size(); i += max_ids) {
      std::vector<std::string> chunk;
      for (std::size_t j = i; j < std::min(keys.size(), i + max_ids); ++j) {
        chunk.emplace_back(keys[j].is_string() ? keys[j].as_string() : "");
      }
      chunks.push_back(std::move(chunk));
    }
    if (chunks.empty()) return batch.Resolve({});
    state->pending = chunks.size();
    const auto& origin = std::any_cast<const ApiContext&>(batch.context()).origin;
    auto finish = [batch, state]() {
      std::vector<graphql::Outcome> outcomes;
      outcomes.reserve(batch.keys().size());
      for (const auto& key : batch.keys()) {
        const auto it =
            key.is_string() ? state->found.find(std::string(key.as_string())) : state->found.end();
        outcomes.push_back(it == state->found.end() ? graphql::Outcome::Value(nullptr)
                                                    : graphql::Outcome::Value(it->second));
      }
      batch.Resolve(std::move(outcomes));
    };
    for (auto& chunk : chunks) {
      fetch(std::move(chunk), origin, [=](Outcome<Response> outcome) {
        std::unique_lock lock(state->mutex);
        if (auto* error = std::get_if<Error>(&outcome)) {
          if (!state->failure) state->failure = *error;
        } else {
          for (const auto& item : items(std::get<Response>(outcome))) {
            state->found.emplace(id(item), view(item));
          }
        }
        if (--state->pending > 0) return;
        lock.unlock();
        if (state->failure) return batch.Fail(*state->failure);
        finish();
      });
    }
  };
}

}  // namespace livedrop::gateway::api
