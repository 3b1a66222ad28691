#include "graphql/executor.h"

#include <atomic>
#include <boost/json/serialize.hpp>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "graphql/error_codes.h"
#include "graphql/graphql_error.h"
#include "graphql/introspection.h"
#include "graphql/value_coercion.h"
#include "graphql/value_printer.h"

namespace livedrop::graphql {
namespace json = boost::json;

namespace detail {

// The response under construction. A node is null when its value is null or when a null (an
// error) in a non-null position below it bubbled up to it.
struct ResultNode {
  enum class Kind { kPending, kLeaf, kObject, kList };
  ResultNode* parent = nullptr;
  std::string key;  // response name in the parent object
  int index = -1;   // position in the parent list
  bool nullable = true;
  bool is_null = false;
  Kind kind = Kind::kPending;
  json::value leaf;
  std::vector<ResultNode*> children;
};

// The field being completed: its definition and the selections that asked for it.
struct FieldInfo {
  const NamedType* parent_type = nullptr;
  const Field* field = nullptr;
  std::vector<const ast::Selection*> nodes;
  std::string Name() const { return parent_type->name + "." + field->name; }
};

class ExecutionState;

struct FieldCallState {
  std::shared_ptr<ExecutionState> exec;
  std::shared_ptr<const FieldInfo> info;
  ResultNode* node = nullptr;
  std::shared_ptr<const json::value> parent;
  json::object args;
  std::atomic<bool> answered{false};
};

struct BatchCallState {
  std::shared_ptr<ExecutionState> exec;
  std::string loader;
  std::vector<json::value> keys;
  std::vector<std::string> key_ids;
  std::atomic<bool> answered{false};
};

using LoadCallback = std::function<void(const Outcome&)>;

class ExecutionState : public std::enable_shared_from_this<ExecutionState> {
 public:
  ExecutionState(ExecutionInput input, ResponseCallback done)
      : in_(std::move(input)), done_(std::move(done)) {}

  void Start() {
    const NamedType* root_type = in_.schema->RootType(in_.operation->operation);
    ResultNode* data = NewNode(nullptr, "", -1, true);
    data_ = data;
    if (!root_type) {
      data->is_null = true;
      errors_.push_back(GraphQLError{"Schema is not configured to execute " +
                                         std::string(ast::ToString(in_.operation->operation)) +
                                         " operation.",
                                     {in_.operation->loc},
                                     {},
                                     codes::kValidationFailed});
      Post([] {});
      return;
    }
    data->kind = ResultNode::Kind::kObject;
    root_type_ = root_type;
    root_value_ = std::make_shared<const json::value>(in_.root_value);
    std::vector<const ast::SelectionSet*> sets{&in_.operation->selection_set};
    if (in_.operation->operation == ast::OperationType::kMutation) {
      serial_groups_ = CollectFields(*root_type, sets);
      Post([] {});
    } else {
      Post([this, sets] { ExecuteSelections(*root_type_, root_value_, sets, data_); });
    }
  }

  // Runs `task` in this request's serialized context.
  void Post(std::function<void()> task) {
    {
      std::lock_guard lock(mu_);
      queue_.push_back(std::move(task));
      if (draining_) return;
      draining_ = true;
    }
    Drain();
  }

  const ExecutionInput& input() const { return in_; }

  void Answer(const std::shared_ptr<FieldCallState>& call, Outcome outcome) {
    if (call->answered.exchange(true)) return;  // the first answer counts
    auto self = shared_from_this();
    Post([this, self, call, outcome = std::move(outcome)] {
      --pending_;
      ResultNode* node = call->node;
      if (IsDead(node)) return;
      if (!outcome.ok()) {
        RaiseFieldError(node, *call->info, outcome.message(), outcome.code());
        return;
      }
      Complete(node, call->info->field->type, call->info, outcome.value());
    });
  }

  void Load(const std::string& loader, json::value key, LoadCallback then) {
    auto self = shared_from_this();
    Post([this, self, loader, key = std::move(key), then = std::move(then)]() mutable {
      if (!in_.resolvers->FindLoader(loader)) {
        then(Outcome::Failure("No batch loader named \"" + loader + "\".", codes::kInternal));
        return;
      }
      LoaderState& state = loaders_[loader];
      std::string id = json::serialize(key);
      if (auto done = state.cache.find(id); done != state.cache.end()) {
        then(done->second);
        return;
      }
      auto [waiting, is_new] = state.waiters.try_emplace(id);
      waiting->second.push_back(std::move(then));
      if (is_new) {
        state.queued_keys.push_back(std::move(key));
        state.queued_ids.push_back(std::move(id));
      }
    });
  }

  void DeliverBatch(const std::shared_ptr<BatchCallState>& batch, std::vector<Outcome> outcomes) {
    if (batch->answered.exchange(true)) return;
    auto self = shared_from_this();
    Post([this, self, batch, outcomes = std::move(outcomes)] {
      LoaderState& state = loaders_[batch->loader];
      for (size_t i = 0; i < batch->key_ids.size(); ++i) {
        const std::string& id = batch->key_ids[i];
        Outcome outcome =
            i < outcomes.size() && outcomes.size() == batch->key_ids.size()
                ? outcomes[i]
                : Outcome::Failure("The batch loader \"" + batch->loader + "\" answered " +
                                       std::to_string(outcomes.size()) + " of " +
                                       std::to_string(batch->key_ids.size()) + " keys.",
                                   codes::kInternal);
        state.cache.emplace(id, outcome);
        auto waiting = state.waiters.find(id);
        if (waiting == state.waiters.end()) continue;
        std::vector<LoadCallback> callbacks = std::move(waiting->second);
        state.waiters.erase(waiting);
        for (LoadCallback& cb : callbacks) cb(outcome);
      }
    });
  }

 private:
  struct LoaderState {
    std::vector<json::value> queued_keys;
    std::vector<std::string> queued_ids;
    std::unordered_map<std::string, std::vector<LoadCallback>> waiters;
    std::unordered_map<std::string, Outcome> cache;
  };

  using FieldGroups = std::vector<std::pair<std::string, std::vector<const ast::Selection*>>>;

  void Drain() {
    auto self = shared_from_this();  // the last task may hold the last other reference
    for (;;) {
      std::function<void()> task;
      std::vector<std::shared_ptr<BatchCallState>> batches;
      bool finish = false;
      {
        std::lock_guard lock(mu_);
        if (!queue_.empty()) {
          task = std::move(queue_.front());
          queue_.pop_front();
        } else if (batches = TakeBatches(); !batches.empty()) {
        } else if (pending_ == 0 && next_serial_ < serial_groups_.size()) {
          task = [this] { StartNextSerialField(); };
        } else {
          draining_ = false;
          finish = pending_ == 0 && !finished_;
          if (finish) finished_ = true;
        }
      }
      if (task) {
        task();
        continue;
      }
      if (!batches.empty()) {
        for (auto& batch : batches) Dispatch(batch);
        continue;
      }
      if (finish) done_(BuildResponse());
      return;
    }
  }

  // Called with mu_ held, by the draining thread (the only one touching loader state).
  std::vector<std::shared_ptr<BatchCallState>> TakeBatches() {
    std::vector<std::shared_ptr<BatchCallState>> batches;
    for (auto& [name, state] : loaders_) {
      if (state.queued_keys.empty()) continue;
      auto batch = std::make_shared<BatchCallState>();
      batch->exec = shared_from_this();
      batch->loader = name;
      batch->keys = std::move(state.queued_keys);
      batch->key_ids = std::move(state.queued_ids);
      state.queued_keys.clear();
      state.queued_ids.clear();
      batches.push_back(std::move(batch));
    }
    return batches;
  }

  void Dispatch(const std::shared_ptr<BatchCallState>& batch) {
    const BatchLoader* loader = in_.resolvers->FindLoader(batch->loader);
    try {
      (*loader)(BatchCall(batch));
    } catch (const livedrop::Error& e) {
      DeliverBatch(batch, std::vector<Outcome>(batch->keys.size(), Outcome::Failure(e)));
    } catch (const std::exception& e) {
      DeliverBatch(
          batch, std::vector<Outcome>(batch->keys.size(),
                                      Outcome::Failure("Internal server error", codes::kInternal)));
    }
  }

  void StartNextSerialField() {
    FieldGroups one{std::move(serial_groups_[next_serial_++])};
    ExecuteGroups(*root_type_, root_value_, one, data_);
  }

  ResultNode* NewNode(ResultNode* parent, std::string key, int index, bool nullable) {
    ResultNode& n = nodes_.emplace_back();
    n.parent = parent;
    n.key = std::move(key);
    n.index = index;
    n.nullable = nullable;
    if (parent) parent->children.push_back(&n);
    return &n;
  }

  static bool IsDead(const ResultNode* node) {
    for (const ResultNode* n = node; n; n = n->parent) {
      if (n->is_null) return true;
    }
    return false;
  }

  static json::array PathOf(const ResultNode* node) {
    std::vector<const ResultNode*> chain;
    for (const ResultNode* n = node; n && n->parent; n = n->parent) chain.push_back(n);
    json::array path;
    for (auto it = chain.rbegin(); it != chain.rend(); ++it) {
      if ((*it)->index >= 0) {
        path.push_back((*it)->index);
      } else {
        path.push_back(json::string((*it)->key));
      }
    }
    return path;
  }

  // A null where the type says it cannot be: the nearest nullable ancestor becomes null.
  static void NullOut(ResultNode* node) {
    ResultNode* n = node;
    while (n->parent && !n->nullable) n = n->parent;
    n->is_null = true;
  }

  void RaiseFieldError(ResultNode* node, const FieldInfo& info, std::string message,
                       std::string code) {
    GraphQLError error{std::move(message), {}, PathOf(node), std::move(code)};
    for (const ast::Selection* s : info.nodes) error.locations.push_back(s->loc);
    errors_.push_back(std::move(error));
    NullOut(node);
  }

  bool DirectivesInclude(const std::vector<ast::Directive>& directives) {
    for (const ast::Directive& d : directives) {
      if (d.name != "skip" && d.name != "include") continue;
      for (const ast::Argument& a : d.arguments) {
        if (a.name != "if") continue;
        std::optional<json::value> v =
            CoerceLiteral(a.value, TypeRef::Named("Boolean"), *in_.schema, &in_.variables);
        bool flag = v && v->is_bool() && v->as_bool();
        if (d.name == "skip" && flag) return false;
        if (d.name == "include" && !flag) return false;
      }
    }
    return true;
  }

  bool FragmentApplies(const NamedType& object_type, const std::string& condition) {
    if (condition.empty() || condition == object_type.name) return true;
    const NamedType* t = in_.schema->FindType(condition);
    return t && t->IsAbstract() && in_.schema->IsPossibleType(*t, object_type);
  }

  void CollectInto(const NamedType& type, const ast::SelectionSet& set, FieldGroups& groups,
                   std::unordered_map<std::string, size_t>& index,
                   std::vector<const std::string*>& visited) {
    for (const ast::Selection& s : set.selections) {
      if (!DirectivesInclude(s.directives)) continue;
      switch (s.kind) {
        case ast::SelectionKind::kField: {
          auto [it, is_new] = index.try_emplace(s.ResponseName(), groups.size());
          if (is_new) groups.emplace_back(s.ResponseName(), std::vector<const ast::Selection*>{});
          groups[it->second].second.push_back(&s);
          break;
        }
        case ast::SelectionKind::kFragmentSpread: {
          bool seen = false;
          for (const std::string* v : visited) seen = seen || *v == s.name;
          if (seen) break;
          visited.push_back(&s.name);
          const ast::FragmentDefinition* frag = in_.document->FindFragment(s.name);
          if (!frag || !FragmentApplies(type, frag->type_condition)) break;
          CollectInto(type, frag->selection_set, groups, index, visited);
          break;
        }
        case ast::SelectionKind::kInlineFragment:
          if (!FragmentApplies(type, s.type_condition)) break;
          CollectInto(type, s.selection_set, groups, index, visited);
          break;
      }
    }
  }

  FieldGroups CollectFields(const NamedType& type,
                            const std::vector<const ast::SelectionSet*>& sets) {
    FieldGroups groups;
    std::unordered_map<std::string, size_t> index;
    std::vector<const std::string*> visited;
    for (const ast::SelectionSet* set : sets) CollectInto(type, *set, groups, index, visited);
    return groups;
  }

  void ExecuteSelections(const NamedType& type, std::shared_ptr<const json::value> value,
                         const std::vector<const ast::SelectionSet*>& sets, ResultNode* node) {
    FieldGroups groups = CollectFields(type, sets);
    ExecuteGroups(type, std::move(value), groups, node);
  }

  void ExecuteGroups(const NamedType& type, const std::shared_ptr<const json::value>& value,
                     FieldGroups& groups, ResultNode* node) {
    for (auto& [response_name, selections] : groups) {
      const std::string& name = selections[0]->name;
      if (name == "__typename") {
        ResultNode* child = NewNode(node, response_name, -1, false);
        child->kind = ResultNode::Kind::kLeaf;
        child->leaf = json::string(type.name);
        continue;
      }
      const Field* field = nullptr;
      const NamedType* owner = &type;
      if (&type == root_type_ && in_.operation->operation == ast::OperationType::kQuery &&
          (name == "__schema" || name == "__type")) {
        field = name == "__schema" ? &SchemaMetaField() : &TypeMetaField();
      } else {
        field = type.FindField(name);
      }
      if (!field) continue;  // validation rejects unknown fields
      auto info = std::make_shared<FieldInfo>();
      info->parent_type = owner;
      info->field = field;
      info->nodes = std::move(selections);
      ResultNode* child = NewNode(node, response_name, -1, !field->type.IsNonNull());
      ExecuteField(std::move(info), value, child);
      if (IsDead(node)) return;
    }
  }

  std::optional<json::object> CoerceArguments(const FieldInfo& info, ResultNode* node) {
    json::object args;
    const ast::Selection& sel = *info.nodes[0];
    for (const InputValue& def : info.field->args) {
      const ast::Argument* given = nullptr;
      for (const ast::Argument& a : sel.arguments) {
        if (a.name == def.name) given = &a;
      }
      bool has_value = given != nullptr;
      if (given && given->value.kind == ast::ValueKind::kVariable) {
        has_value = in_.variables.contains(given->value.text);
      }
      if (!has_value) {
        if (def.default_value) {
          args[def.name] = *def.default_value;
        } else if (def.type.IsNonNull()) {
          RaiseFieldError(node, info,
                          "Argument \"" + def.name + "\" of required type \"" +
                              def.type.ToString() + "\" was not provided.",
                          codes::kBadUserInput);
          return std::nullopt;
        }
        continue;
      }
      if (given->value.kind == ast::ValueKind::kVariable) {
        const json::value& v = in_.variables.at(given->value.text);
        if (v.is_null() && def.type.IsNonNull()) {
          RaiseFieldError(node, info,
                          "Argument \"" + def.name + "\" of non-null type \"" +
                              def.type.ToString() + "\" must not be null.",
                          codes::kBadUserInput);
          return std::nullopt;
        }
        args[def.name] = v;
        continue;
      }
      std::optional<json::value> v =
          CoerceLiteral(given->value, def.type, *in_.schema, &in_.variables);
      if (!v) {
        RaiseFieldError(
            node, info,
            "Argument \"" + def.name + "\" has invalid value " + PrintLiteral(given->value) + ".",
            codes::kBadUserInput);
        return std::nullopt;
      }
      args[def.name] = std::move(*v);
    }
    return args;
  }

  void ExecuteField(std::shared_ptr<const FieldInfo> info,
                    const std::shared_ptr<const json::value>& parent, ResultNode* node) {
    std::optional<json::object> args = CoerceArguments(*info, node);
    if (!args) return;
    bool meta = info->field == &SchemaMetaField() || info->field == &TypeMetaField();
    const Resolver* resolver =
        in_.resolvers->FindField(meta ? kMetaTypeName : info->parent_type->name, info->field->name);
    if (!resolver) {
      // The default resolver: the parent object's property, answered at once.
      json::value value = nullptr;
      if (parent->is_object()) {
        if (const json::value* v = parent->as_object().if_contains(info->field->name)) value = *v;
      }
      Complete(node, info->field->type, info, value);
      return;
    }
    auto call = std::make_shared<FieldCallState>();
    call->exec = shared_from_this();
    call->info = info;
    call->node = node;
    call->parent = parent;
    call->args = std::move(*args);
    ++pending_;
    try {
      (*resolver)(FieldCall(call));
    } catch (const livedrop::Error& e) {
      Answer(call, Outcome::Failure(e));
    } catch (const std::exception& e) {
      Answer(call, Outcome::Failure("Internal server error", codes::kInternal));
    }
  }

  void Complete(ResultNode* node, const TypeRef& type, const std::shared_ptr<const FieldInfo>& info,
                const json::value& value) {
    if (type.IsNonNull()) {
      if (value.is_null()) {
        RaiseFieldError(node, *info,
                        "Cannot return null for non-nullable field " + info->Name() + ".",
                        codes::kInternal);
        return;
      }
      Complete(node, *type.of, info, value);
      return;
    }
    if (value.is_null()) {
      node->is_null = true;
      return;
    }
    if (type.IsList()) {
      if (!value.is_array()) {
        RaiseFieldError(
            node, *info,
            "Expected Iterable, but did not find one for field \"" + info->Name() + "\".",
            codes::kInternal);
        return;
      }
      node->kind = ResultNode::Kind::kList;
      const json::array& items = value.as_array();
      bool item_nullable = !type.of->IsNonNull();
      for (size_t i = 0; i < items.size(); ++i) {
        ResultNode* item = NewNode(node, "", static_cast<int>(i), item_nullable);
        Complete(item, *type.of, info, items[i]);
        if (IsDead(node)) return;
      }
      return;
    }
    const NamedType* named = in_.schema->FindType(type.name);
    if (!named) return;
    if (named->IsLeaf()) {
      std::string why;
      std::optional<json::value> leaf = SerializeLeaf(*named, value, &why);
      if (!leaf) {
        RaiseFieldError(node, *info, why, codes::kInternal);
        return;
      }
      node->kind = ResultNode::Kind::kLeaf;
      node->leaf = std::move(*leaf);
      return;
    }
    const NamedType* object_type = named;
    if (named->IsAbstract()) {
      std::string runtime;
      if (const TypeResolver* resolve = in_.resolvers->FindType(named->name)) {
        runtime = (*resolve)(value);
      } else if (value.is_object()) {
        if (const json::value* t = value.as_object().if_contains("__typename");
            t && t->is_string()) {
          runtime = std::string(t->as_string());
        }
      }
      object_type = runtime.empty() ? nullptr : in_.schema->FindType(runtime);
      if (runtime.empty()) {
        RaiseFieldError(node, *info,
                        "Abstract type \"" + named->name +
                            "\" must resolve to an Object type at runtime for field \"" +
                            info->Name() + "\". Either the \"" + named->name +
                            "\" type should provide a \"resolveType\" function or each possible "
                            "type should provide an \"isTypeOf\" function.",
                        codes::kInternal);
        return;
      }
      if (!object_type || !in_.schema->IsPossibleType(*named, *object_type)) {
        RaiseFieldError(node, *info,
                        "Runtime Object type \"" + runtime + "\" is not a possible type for \"" +
                            named->name + "\".",
                        codes::kInternal);
        return;
      }
    }
    node->kind = ResultNode::Kind::kObject;
    std::vector<const ast::SelectionSet*> sets;
    for (const ast::Selection* s : info->nodes) {
      if (s->has_selection_set) sets.push_back(&s->selection_set);
    }
    ExecuteSelections(*object_type, std::make_shared<const json::value>(value), sets, node);
  }

  static json::value Serialize(const ResultNode* node) {
    if (node->is_null) return nullptr;
    switch (node->kind) {
      case ResultNode::Kind::kLeaf:
        return node->leaf;
      case ResultNode::Kind::kObject: {
        json::object out;
        for (const ResultNode* c : node->children) out[c->key] = Serialize(c);
        return out;
      }
      case ResultNode::Kind::kList: {
        json::array out;
        for (const ResultNode* c : node->children) out.push_back(Serialize(c));
        return out;
      }
      case ResultNode::Kind::kPending:
        return nullptr;
    }
    return nullptr;
  }

  json::object BuildResponse() {
    json::object response;
    if (!errors_.empty()) response["errors"] = ToJson(errors_);
    response["data"] = Serialize(data_);
    return response;
  }

  ExecutionInput in_;
  ResponseCallback done_;
  const NamedType* root_type_ = nullptr;
  std::shared_ptr<const json::value> root_value_;

  std::mutex mu_;
  std::deque<std::function<void()>> queue_;
  bool draining_ = false;
  bool finished_ = false;

  // Touched only by the draining thread.
  std::deque<ResultNode> nodes_;
  ResultNode* data_ = nullptr;
  GraphQLErrors errors_;
  size_t pending_ = 0;
  FieldGroups serial_groups_;
  size_t next_serial_ = 0;
  std::unordered_map<std::string, LoaderState> loaders_;
};

}  // namespace detail

const json::value& FieldCall::parent() const { return *state_->parent; }
const json::object& FieldCall::args() const { return state_->args; }
const std::any& FieldCall::context() const { return state_->exec->input().context; }
const std::string& FieldCall::type_name() const { return state_->info->parent_type->name; }
const std::string& FieldCall::field_name() const { return state_->info->field->name; }

void FieldCall::Resolve(json::value value) const {
  state_->exec->Answer(state_, Outcome::Value(std::move(value)));
}
void FieldCall::Resolve(Outcome outcome) const { state_->exec->Answer(state_, std::move(outcome)); }
void FieldCall::Fail(std::string message, std::string code) const {
  state_->exec->Answer(state_, Outcome::Failure(std::move(message), std::move(code)));
}
void FieldCall::Fail(const livedrop::Error& error) const {
  state_->exec->Answer(state_, Outcome::Failure(error));
}

void FieldCall::Load(std::string loader, json::value key) const {
  FieldCall self = *this;
  state_->exec->Load(loader, std::move(key), [self](const Outcome& o) { self.Resolve(o); });
}

void FieldCall::Load(std::string loader, json::value key,
                     std::function<void(const FieldCall&, const Outcome&)> then) const {
  FieldCall self = *this;
  state_->exec->Load(loader, std::move(key), [self, then = std::move(then)](const Outcome& o) {
    try {
      then(self, o);
    } catch (const livedrop::Error& e) {
      self.Fail(e);
    } catch (const std::exception&) {
      self.Fail("Internal server error", codes::kInternal);
    }
  });
}

const std::vector<json::value>& BatchCall::keys() const { return state_->keys; }
const std::any& BatchCall::context() const { return state_->exec->input().context; }
void BatchCall::Resolve(std::vector<Outcome> outcomes) const {
  state_->exec->DeliverBatch(state_, std::move(outcomes));
}
void BatchCall::Fail(const livedrop::Error& error) const {
  state_->exec->DeliverBatch(state_,
                             std::vector<Outcome>(state_->keys.size(), Outcome::Failure(error)));
}

void Execute(ExecutionInput input, ResponseCallback done) {
  auto state = std::make_shared<detail::ExecutionState>(std::move(input), std::move(done));
  state->Start();
}

}  // namespace livedrop::graphql
