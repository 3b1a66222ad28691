#include "graphql/query_limits.h"

#include <algorithm>
#include <charconv>
#include <map>

#include "graphql/error_codes.h"

namespace livedrop::graphql {
namespace json = boost::json;
namespace {

constexpr long kSaturated = 1L << 40;  // costs stop growing here (no overflow)

long Add(long a, long b) { return std::min(a + b, kSaturated); }
long Mul(long a, long b) {
  return b != 0 && a > kSaturated / b ? kSaturated : std::min(a * b, kSaturated);
}

struct Weight {
  int depth = 0;
  long aliases = 0;
  long cost = 0;
};

class LimitChecker {
 public:
  LimitChecker(const Schema& schema, const ast::Document& doc, const json::object& variables,
               const QueryLimits& limits)
      : schema_(schema), doc_(doc), variables_(variables), limits_(limits) {}

  Weight Measure(const NamedType* type, const ast::SelectionSet& set, bool parent_sized) {
    Weight total;
    for (const ast::Selection& s : set.selections) {
      switch (s.kind) {
        case ast::SelectionKind::kField:
          Combine(total, MeasureField(type, s, parent_sized));
          break;
        case ast::SelectionKind::kInlineFragment: {
          const NamedType* t = s.type_condition.empty() ? type : schema_.FindType(s.type_condition);
          Combine(total, Measure(t, s.selection_set, parent_sized));
          break;
        }
        case ast::SelectionKind::kFragmentSpread:
          Combine(total, MeasureFragment(s.name, parent_sized));
          break;
      }
    }
    return total;
  }

 private:
  static void Combine(Weight& total, const Weight& w) {
    total.depth = std::max(total.depth, w.depth);
    total.aliases = Add(total.aliases, w.aliases);
    total.cost = Add(total.cost, w.cost);
  }

  Weight MeasureFragment(const std::string& name, bool parent_sized) {
    auto key = std::make_pair(name, parent_sized);
    if (auto it = memo_.find(key); it != memo_.end()) return it->second;
    memo_[key] = Weight{};  // a cycle (rejected by validation) weighs nothing
    const ast::FragmentDefinition* frag = doc_.FindFragment(name);
    Weight w;
    if (frag)
      w = Measure(schema_.FindType(frag->type_condition), frag->selection_set, parent_sized);
    memo_[key] = w;
    return w;
  }

  // The field's `first` or `last`: as written (a literal or a variable), else the argument's
  // default in the schema, so that leaving it out does not make a list cheaper.
  std::optional<long> SizeArgument(const ast::Selection& s, const Field* field) {
    for (const ast::Argument& a : s.arguments) {
      if (a.name != "first" && a.name != "last") continue;
      if (a.value.kind == ast::ValueKind::kInt) {
        long v = kSaturated;
        std::from_chars(a.value.text.data(), a.value.text.data() + a.value.text.size(), v);
        return std::clamp(v, 0L, kSaturated);
      }
      if (a.value.kind == ast::ValueKind::kVariable) {
        const json::value* v = variables_.if_contains(a.value.text);
        if (v && v->is_int64()) return std::max<long>(0, v->as_int64());
      }
    }
    if (field == nullptr) return std::nullopt;
    for (const char* name : {"first", "last"}) {
      const InputValue* arg = field->FindArg(name);
      if (arg && arg->default_value && arg->default_value->is_int64()) {
        return std::clamp<long>(arg->default_value->as_int64(), 0L, kSaturated);
      }
    }
    return std::nullopt;
  }

  Weight MeasureField(const NamedType* type, const ast::Selection& s, bool parent_sized) {
    if (s.name == "__schema" || s.name == "__type") return Weight{1, s.alias.empty() ? 0 : 1, 1};
    const Field* field = type ? type->FindField(s.name) : nullptr;
    long multiplier = 1;
    std::optional<long> size = SizeArgument(s, field);
    if (size) {
      multiplier = *size;
    } else if (field && field->type.Nullable().IsList() && !parent_sized) {
      multiplier = limits_.default_list_size;
    }
    Weight w{1, s.alias.empty() ? 0 : 1, 1};
    if (s.has_selection_set) {
      const NamedType* child = field ? schema_.FindType(field->type.NamedType()) : nullptr;
      Weight inner = Measure(child, s.selection_set, size.has_value());
      w.depth += inner.depth;
      w.aliases = Add(w.aliases, inner.aliases);
      w.cost = Add(w.cost, Mul(multiplier, inner.cost));
    }
    return w;
  }

  const Schema& schema_;
  const ast::Document& doc_;
  const json::object& variables_;
  const QueryLimits& limits_;
  std::map<std::pair<std::string, bool>, Weight> memo_;
};

}  // namespace

GraphQLErrors CheckLimits(const Schema& schema, const ast::Document& document,
                          const ast::OperationDefinition& operation, const json::object& variables,
                          const QueryLimits& limits) {
  GraphQLErrors errors;
  const NamedType* root = schema.RootType(operation.operation);
  Weight w = LimitChecker(schema, document, variables, limits)
                 .Measure(root, operation.selection_set, false);
  if (w.depth > limits.max_depth) {
    errors.push_back({"Query depth " + std::to_string(w.depth) + " exceeds the maximum of " +
                          std::to_string(limits.max_depth) + ".",
                      {operation.loc},
                      {},
                      codes::kQueryTooDeep});
  }
  if (w.aliases > limits.max_aliases) {
    errors.push_back({"Query uses " + std::to_string(w.aliases) +
                          " aliases, more than the maximum of " +
                          std::to_string(limits.max_aliases) + ".",
                      {operation.loc},
                      {},
                      codes::kTooManyAliases});
  }
  if (w.cost > limits.max_cost) {
    errors.push_back({"Query cost " + std::to_string(w.cost) + " exceeds the budget of " +
                          std::to_string(limits.max_cost) + ".",
                      {operation.loc},
                      {},
                      codes::kQueryTooComplex});
  }
  return errors;
}

}  // namespace livedrop::graphql
