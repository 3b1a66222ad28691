#include "graphql/validator.h"

#include <algorithm>
#include <functional>
#include <map>
#include <set>
#include <tuple>
#include <unordered_map>

#include "graphql/error_codes.h"
#include "graphql/introspection.h"
#include "graphql/suggestions.h"
#include "graphql/value_coercion.h"
#include "graphql/value_printer.h"

namespace livedrop::graphql {
namespace {

using ast::Selection;
using ast::SelectionKind;

constexpr int kMaxIntrospectionListDepth = 3;

// One walk over the document in graphql-js's visiting order, so errors come out in the order
// graphql-js reports them: each rule checks a node when the walk enters (or leaves) it, and the
// rules that need a whole operation run when the walk leaves it.
class Validator {
 public:
  Validator(const Schema& schema, const ast::Document& doc) : schema_(schema), doc_(doc) {}

  GraphQLErrors Run() {
    for (const auto& f : doc_.fragments) fragments_.emplace(f.name, &f);
    // The variables each fragment uses, known before the operations that spread them are left
    // (a fragment may come after them): a silent first walk over the fragments.
    for (const auto& f : doc_.fragments) VisitFragment(f);
    errors_.clear();
    fragment_names_.clear();
    cycle_visited_.clear();
    for (const ast::NonExecutableDefinition& d : doc_.non_executable) {
      Report(d.name.empty() ? "The schema definition is not executable."
                            : "The \"" + d.name + "\" definition is not executable.",
             {d.loc});
    }
    struct Def {
      Location loc;
      const ast::OperationDefinition* op;
      const ast::FragmentDefinition* frag;
    };
    std::vector<Def> defs;
    for (const auto& op : doc_.operations) defs.push_back({op.loc, &op, nullptr});
    for (const auto& f : doc_.fragments) defs.push_back({f.loc, nullptr, &f});
    std::sort(defs.begin(), defs.end(), [](const Def& a, const Def& b) {
      return std::tie(a.loc.line, a.loc.column) < std::tie(b.loc.line, b.loc.column);
    });
    for (const Def& d : defs) {
      if (d.op) {
        VisitOperation(*d.op);
      } else {
        VisitFragment(*d.frag);
      }
    }
    // NoUnusedFragments
    std::set<std::string> used;
    for (const auto& op : doc_.operations) {
      for (const std::string& f : RecursiveFragments(op.selection_set)) used.insert(f);
    }
    for (const auto& f : doc_.fragments) {
      if (!used.count(f.name)) Report("Fragment \"" + f.name + "\" is never used.", {f.loc});
    }
    return std::move(errors_);
  }

 private:
  struct VariableUsage {
    std::string name;
    Location loc;
    std::optional<TypeRef> type;  // the expected type, when known
    bool has_location_default = false;
  };

  void Report(std::string message, std::vector<Location> locations) {
    errors_.push_back({std::move(message), std::move(locations), {}, codes::kValidationFailed});
  }

  // The fragments spread in a selection set, transitively (each once, in order of discovery).
  std::vector<std::string> RecursiveFragments(const ast::SelectionSet& root) {
    std::vector<std::string> out;
    std::set<std::string> seen;
    std::vector<const ast::SelectionSet*> stack{&root};
    while (!stack.empty()) {
      const ast::SelectionSet* set = stack.back();
      stack.pop_back();
      std::function<void(const ast::SelectionSet&)> scan = [&](const ast::SelectionSet& s) {
        for (const Selection& sel : s.selections) {
          if (sel.kind == SelectionKind::kFragmentSpread) {
            if (seen.insert(sel.name).second) {
              out.push_back(sel.name);
              auto it = fragments_.find(sel.name);
              if (it != fragments_.end()) stack.push_back(&it->second->selection_set);
            }
          } else if (sel.has_selection_set) {
            scan(sel.selection_set);
          }
        }
      };
      scan(*set);
    }
    return out;
  }

  void VisitOperation(const ast::OperationDefinition& op) {
    // UniqueOperationNames
    if (!op.name.empty()) {
      auto [it, is_new] = operation_names_.try_emplace(op.name, op.name_loc);
      if (!is_new) {
        Report("There can be only one operation named \"" + op.name + "\".",
               {it->second, op.name_loc});
      }
    }
    // LoneAnonymousOperation
    if (op.name.empty() && doc_.operations.size() > 1) {
      Report("This anonymous operation must be the only defined operation.", {op.loc});
    }
    const NamedType* root = schema_.RootType(op.operation);
    if (op.operation == ast::OperationType::kSubscription && root) CheckSubscription(op, *root);
    // UniqueVariableNames
    std::map<std::string, std::vector<Location>> var_locs;
    std::vector<std::string> var_order;
    for (const ast::VariableDefinition& v : op.variables) {
      if (var_locs[v.name].empty()) var_order.push_back(v.name);
      var_locs[v.name].push_back(v.name_loc);
    }
    for (const std::string& name : var_order) {
      if (var_locs[name].size() > 1) {
        Report("There can be only one variable named \"$" + name + "\".", var_locs[name]);
      }
    }
    usages_.clear();
    for (const ast::VariableDefinition& v : op.variables) {
      CheckNamedType(v.type);
      const NamedType* t = schema_.FindType(v.type.NamedType());
      if (t && !t->IsInput()) {
        Report(
            "Variable \"$" + v.name + "\" cannot be non-input type \"" + v.type.ToString() + "\".",
            {v.type.loc});
      }
      if (v.default_value) VisitValue(*v.default_value, t ? std::optional(v.type) : std::nullopt);
      VisitDirectives(v.directives, "VARIABLE_DEFINITION");
    }
    VisitDirectives(op.directives, ast::OperationType::kQuery == op.operation ? "QUERY"
                                   : ast::OperationType::kMutation == op.operation
                                       ? "MUTATION"
                                       : "SUBSCRIPTION");
    if (!root) {
      Report("Schema is not configured to execute " + std::string(ast::ToString(op.operation)) +
                 " operation.",
             {op.loc});
    }
    VisitSelectionSet(op.selection_set, root);
    std::vector<VariableUsage> usages = std::move(usages_);
    for (const std::string& f : RecursiveFragments(op.selection_set)) {
      auto it = fragment_usages_.find(f);
      if (it == fragment_usages_.end()) continue;
      usages.insert(usages.end(), it->second.begin(), it->second.end());
    }
    std::string of_op = op.name.empty() ? "" : " by operation \"" + op.name + "\"";
    // NoUndefinedVariables
    for (const VariableUsage& u : usages) {
      if (!var_locs.count(u.name)) {
        Report("Variable \"$" + u.name + "\" is not defined" + of_op + ".", {u.loc, op.loc});
      }
    }
    // NoUnusedVariables
    for (const ast::VariableDefinition& v : op.variables) {
      bool used = std::any_of(usages.begin(), usages.end(),
                              [&](const VariableUsage& u) { return u.name == v.name; });
      if (!used) {
        Report("Variable \"$" + v.name + "\" is never used" +
                   (op.name.empty() ? "" : " in operation \"" + op.name + "\"") + ".",
               {v.loc});
      }
    }
    // VariablesInAllowedPosition
    for (const VariableUsage& u : usages) {
      if (!u.type) continue;
      const ast::VariableDefinition* def = nullptr;
      for (const ast::VariableDefinition& v : op.variables) {
        if (v.name == u.name) def = &v;
      }
      if (!def || !schema_.FindType(def->type.NamedType())) continue;
      if (!AllowedInPosition(*def, *u.type, u.has_location_default)) {
        Report("Variable \"$" + u.name + "\" of type \"" + def->type.ToString() +
                   "\" used in position expecting type \"" + u.type->ToString() + "\".",
               {def->loc, u.loc});
      }
    }
  }

  bool AllowedInPosition(const ast::VariableDefinition& def, const TypeRef& location,
                         bool has_location_default) {
    if (location.IsNonNull() && !def.type.IsNonNull()) {
      bool non_null_default = def.default_value && def.default_value->kind != ast::ValueKind::kNull;
      if (!non_null_default && !has_location_default) return false;
      return schema_.IsSubType(def.type, *location.of);
    }
    return schema_.IsSubType(def.type, location);
  }

  void CheckSubscription(const ast::OperationDefinition& op, const NamedType& root) {
    std::vector<const Selection*> fields;
    std::set<std::string> visited;
    std::function<void(const ast::SelectionSet&)> collect = [&](const ast::SelectionSet& set) {
      for (const Selection& s : set.selections) {
        if (s.kind == SelectionKind::kField) {
          bool dup = std::any_of(fields.begin(), fields.end(), [&](const Selection* f) {
            return f->ResponseName() == s.ResponseName();
          });
          if (!dup) fields.push_back(&s);
        } else if (s.kind == SelectionKind::kInlineFragment) {
          collect(s.selection_set);
        } else if (visited.insert(s.name).second) {
          auto it = fragments_.find(s.name);
          if (it != fragments_.end()) collect(it->second->selection_set);
        }
      }
    };
    collect(op.selection_set);
    std::string who =
        op.name.empty() ? "Anonymous Subscription" : "Subscription \"" + op.name + "\"";
    if (fields.size() > 1) {
      std::vector<Location> extra;
      for (size_t i = 1; i < fields.size(); ++i) extra.push_back(fields[i]->loc);
      Report(who + " must select only one top level field.", extra);
    }
    for (const Selection* f : fields) {
      if (f->name.starts_with("__")) {
        Report(who + " must not select an introspection top level field.", {f->loc});
      }
    }
  }

  void VisitFragment(const ast::FragmentDefinition& f) {
    // UniqueFragmentNames
    auto [it, is_new] = fragment_names_.try_emplace(f.name, f.name_loc);
    if (!is_new) {
      Report("There can be only one fragment named \"" + f.name + "\".", {it->second, f.name_loc});
    }
    CheckFragmentCycles(f);
    const NamedType* type = schema_.FindType(f.type_condition);
    if (!type) {
      Report("Unknown type \"" + f.type_condition + "\"." + SuggestType(schema_, f.type_condition),
             {f.type_condition_loc});
    } else if (!type->IsComposite()) {
      Report("Fragment \"" + f.name + "\" cannot condition on non composite type \"" +
                 f.type_condition + "\".",
             {f.type_condition_loc});
    }
    VisitDirectives(f.directives, "FRAGMENT_DEFINITION");
    usages_.clear();
    VisitSelectionSet(f.selection_set, type && type->IsComposite() ? type : nullptr);
    if (is_new) fragment_usages_[f.name] = std::move(usages_);
    usages_.clear();
  }

  // NoFragmentCycles, as graphql-js walks it: from each fragment not yet visited, depth first.
  void CheckFragmentCycles(const ast::FragmentDefinition& f) {
    if (cycle_visited_.count(f.name)) return;
    DetectCycle(f);
  }

  void DetectCycle(const ast::FragmentDefinition& f) {
    if (cycle_visited_.count(f.name)) return;
    cycle_visited_.insert(f.name);
    std::vector<const Selection*> spreads;
    std::function<void(const ast::SelectionSet&)> collect = [&](const ast::SelectionSet& set) {
      for (const Selection& s : set.selections) {
        if (s.kind == SelectionKind::kFragmentSpread) {
          spreads.push_back(&s);
        } else if (s.has_selection_set) {
          collect(s.selection_set);
        }
      }
    };
    collect(f.selection_set);
    if (spreads.empty()) return;
    spread_path_index_[f.name] = static_cast<int>(spread_path_.size());
    for (const Selection* spread : spreads) {
      auto cycle_index = spread_path_index_.find(spread->name);
      spread_path_.push_back(spread);
      if (cycle_index == spread_path_index_.end() || cycle_index->second < 0) {
        auto target = fragments_.find(spread->name);
        if (target != fragments_.end()) DetectCycle(*target->second);
      } else {
        std::vector<Location> locs;
        std::string via;
        for (size_t i = cycle_index->second; i < spread_path_.size(); ++i) {
          locs.push_back(spread_path_[i]->loc);
          if (i + 1 < spread_path_.size()) {
            via += (via.empty() ? "" : ", ") + ("\"" + spread_path_[i]->name + "\"");
          }
        }
        Report("Cannot spread fragment \"" + spread->name + "\" within itself" +
                   (via.empty() ? "" : " via " + via) + ".",
               locs);
      }
      spread_path_.pop_back();
    }
    spread_path_index_[f.name] = -1;
  }

  void CheckNamedType(const TypeRef& type) {
    const TypeRef* t = &type;
    while (t->kind != TypeRef::Kind::kNamed) t = t->of.get();
    if (!schema_.FindType(t->name)) {
      Report("Unknown type \"" + t->name + "\"." + SuggestType(schema_, t->name), {t->loc});
    }
  }

  void VisitDirectives(const std::vector<ast::Directive>& directives, const char* location) {
    // UniqueDirectivesPerLocation
    std::map<std::string, Location> seen;
    for (const ast::Directive& d : directives) {
      const DirectiveType* def = schema_.FindDirective(d.name);
      if (def && !def->repeatable) {
        auto [it, is_new] = seen.try_emplace(d.name, d.loc);
        if (!is_new) {
          Report("The directive \"@" + d.name + "\" can only be used once at this location.",
                 {it->second, d.loc});
        }
      }
    }
    for (const ast::Directive& d : directives) {
      const DirectiveType* def = schema_.FindDirective(d.name);
      // KnownDirectives
      if (!def) {
        Report("Unknown directive \"@" + d.name + "\".", {d.loc});
      } else if (std::find(def->locations.begin(), def->locations.end(), location) ==
                 def->locations.end()) {
        Report("Directive \"@" + d.name + "\" may not be used on " + location + ".", {d.loc});
      }
      CheckUniqueArguments(d.arguments);
      for (const ast::Argument& a : d.arguments) {
        const InputValue* arg = def ? def->FindArg(a.name) : nullptr;
        if (def && !arg) {
          Report("Unknown argument \"" + a.name + "\" on directive \"@" + d.name + "\"." +
                     SuggestArgument(def->args, a.name),
                 {a.loc});
        }
        VisitValue(a.value, arg ? std::optional(arg->type) : std::nullopt,
                   arg && arg->default_value);
      }
      // ProvidedRequiredArguments (on leaving the directive)
      if (def) {
        for (const InputValue& arg : def->args) {
          if (!arg.type.IsNonNull() || arg.default_value) continue;
          bool given = std::any_of(d.arguments.begin(), d.arguments.end(),
                                   [&](const ast::Argument& a) { return a.name == arg.name; });
          if (!given) {
            Report("Directive \"@" + d.name + "\" argument \"" + arg.name + "\" of type \"" +
                       arg.type.ToString() + "\" is required, but it was not provided.",
                   {d.loc});
          }
        }
      }
    }
  }

  void CheckUniqueArguments(const std::vector<ast::Argument>& args) {
    std::vector<std::string> reported;
    for (size_t i = 0; i < args.size(); ++i) {
      if (std::find(reported.begin(), reported.end(), args[i].name) != reported.end()) continue;
      std::vector<Location> locs;
      for (const ast::Argument& a : args) {
        if (a.name == args[i].name) locs.push_back(a.loc);
      }
      if (locs.size() > 1) {
        reported.push_back(args[i].name);
        Report("There can be only one argument named \"" + args[i].name + "\".", locs);
      }
    }
  }

  // Collects variable usages with their expected types; checks literals (ValuesOfCorrectType,
  // UniqueInputFieldNames).
  void VisitValue(const ast::Value& v, std::optional<TypeRef> type, bool has_default = false) {
    if (v.kind == ast::ValueKind::kVariable) {
      usages_.push_back({v.text, v.loc, type, has_default});
      return;
    }
    if (v.kind == ast::ValueKind::kObject) {
      std::map<std::string, Location> seen;
      for (const ast::ObjectField& f : v.fields) {
        auto [it, is_new] = seen.try_emplace(f.name, f.loc);
        if (!is_new) {
          Report("There can be only one input field named \"" + f.name + "\".",
                 {it->second, f.loc});
        }
      }
    }
    if (type) {
      size_t before = errors_.size();
      CheckLiteral(v, *type, schema_, errors_);
      (void)before;
    }
    // Variables nested in lists and objects, with the types their positions expect.
    if (v.kind == ast::ValueKind::kList) {
      std::optional<TypeRef> item;
      if (type && type->Nullable().IsList()) item = *type->Nullable().of;
      for (const ast::Value& i : v.list) CollectNestedVariables(i, item);
    } else if (v.kind == ast::ValueKind::kObject) {
      const NamedType* t = type ? schema_.FindType(type->NamedType()) : nullptr;
      for (const ast::ObjectField& f : v.fields) {
        const InputValue* field = t ? t->FindInputField(f.name) : nullptr;
        CollectNestedVariables(f.value, field ? std::optional(field->type) : std::nullopt,
                               field && field->default_value);
      }
    }
  }

  void CollectNestedVariables(const ast::Value& v, std::optional<TypeRef> type,
                              bool has_default = false) {
    if (v.kind == ast::ValueKind::kVariable) {
      usages_.push_back({v.text, v.loc, type, has_default});
    } else if (v.kind == ast::ValueKind::kList) {
      std::optional<TypeRef> item;
      if (type && type->Nullable().IsList()) item = *type->Nullable().of;
      for (const ast::Value& i : v.list) CollectNestedVariables(i, item);
    } else if (v.kind == ast::ValueKind::kObject) {
      const NamedType* t = type ? schema_.FindType(type->NamedType()) : nullptr;
      for (const ast::ObjectField& f : v.fields) {
        const InputValue* field = t ? t->FindInputField(f.name) : nullptr;
        CollectNestedVariables(f.value, field ? std::optional(field->type) : std::nullopt,
                               field && field->default_value);
      }
    }
  }

  const Field* FindField(const NamedType* parent, const std::string& name) {
    if (!parent) return nullptr;
    if (name == "__typename") return &TypenameMetaField();
    if (parent == schema_.QueryType()) {
      if (name == "__schema") return &SchemaMetaField();
      if (name == "__type") return &TypeMetaField();
    }
    if (parent->kind == TypeKind::kUnion) return nullptr;
    return parent->FindField(name);
  }

  void VisitSelectionSet(const ast::SelectionSet& set, const NamedType* parent) {
    if (parent) CheckOverlaps(set, parent);
    for (const Selection& s : set.selections) {
      switch (s.kind) {
        case SelectionKind::kField:
          VisitField(s, parent);
          break;
        case SelectionKind::kInlineFragment: {
          const NamedType* type = parent;
          if (!s.type_condition.empty()) {
            type = schema_.FindType(s.type_condition);
            if (!type) {
              Report("Unknown type \"" + s.type_condition + "\"." +
                         SuggestType(schema_, s.type_condition),
                     {s.type_condition_loc});
            } else if (!type->IsComposite()) {
              Report(
                  "Fragment cannot condition on non composite type \"" + s.type_condition + "\".",
                  {s.type_condition_loc});
              type = nullptr;
            } else if (parent && !schema_.Overlap(*type, *parent)) {
              Report("Fragment cannot be spread here as objects of type \"" + parent->name +
                         "\" can never be of type \"" + type->name + "\".",
                     {s.loc});
            }
          }
          VisitDirectives(s.directives, "INLINE_FRAGMENT");
          VisitSelectionSet(s.selection_set, type);
          break;
        }
        case SelectionKind::kFragmentSpread: {
          auto it = fragments_.find(s.name);
          if (it == fragments_.end()) {
            Report("Unknown fragment \"" + s.name + "\".", {s.name_loc});
          } else if (parent) {
            const NamedType* type = schema_.FindType(it->second->type_condition);
            if (type && type->IsComposite() && !schema_.Overlap(*type, *parent)) {
              Report("Fragment \"" + s.name + "\" cannot be spread here as objects of type \"" +
                         parent->name + "\" can never be of type \"" + type->name + "\".",
                     {s.loc});
            }
          }
          VisitDirectives(s.directives, "FRAGMENT_SPREAD");
          break;
        }
      }
    }
  }

  // The most introspection list fields (fields, interfaces, possibleTypes, inputFields) on one
  // path down `set`, through fragments; a fragment's answer is kept, so the walk stays linear
  // however often a fragment is spread (one being walked counts 0: a cycle, reported elsewhere).
  int IntrospectionListDepth(const ast::SelectionSet& set) {
    int most = 0;
    for (const Selection& s : set.selections) {
      int depth = 0;
      if (s.kind == SelectionKind::kFragmentSpread) {
        auto fragment = fragments_.find(s.name);
        if (fragment == fragments_.end()) continue;
        auto [memo, is_new] = list_depth_.try_emplace(s.name, 0);
        if (is_new) memo->second = IntrospectionListDepth(fragment->second->selection_set);
        depth = memo->second;
      } else {
        bool list = s.kind == SelectionKind::kField &&
                    (s.name == "fields" || s.name == "interfaces" || s.name == "possibleTypes" ||
                     s.name == "inputFields");
        depth =
            (list ? 1 : 0) + (s.has_selection_set ? IntrospectionListDepth(s.selection_set) : 0);
      }
      most = std::max(most, depth);
    }
    return most;
  }

  void VisitField(const Selection& s, const NamedType* parent) {
    // MaxIntrospectionDepth (graphql-js's bound on introspection lists nested in lists, whose
    // answers would grow with the schema's size to the power of the depth)
    if ((s.name == "__schema" || s.name == "__type") && s.has_selection_set &&
        IntrospectionListDepth(s.selection_set) >= kMaxIntrospectionListDepth) {
      Report("Maximum introspection depth exceeded", {s.loc});
    }
    const Field* field = FindField(parent, s.name);
    const NamedType* type = field ? schema_.FindType(field->type.NamedType()) : nullptr;
    // ScalarLeafs
    if (type) {
      if (type->IsLeaf() && s.has_selection_set) {
        Report("Field \"" + s.name + "\" must not have a selection since type \"" +
                   field->type.ToString() + "\" has no subfields.",
               {s.selection_set.loc});
      } else if (!type->IsLeaf() && !s.has_selection_set) {
        Report("Field \"" + s.name + "\" of type \"" + field->type.ToString() +
                   "\" must have a selection of subfields. Did you mean \"" + s.name +
                   " { ... }\"?",
               {s.loc});
      }
    }
    // FieldsOnCorrectType
    if (parent && !field) {
      Report("Cannot query field \"" + s.name + "\" on type \"" + parent->name + "\"." +
                 SuggestField(schema_, *parent, s.name),
             {s.loc});
    }
    CheckUniqueArguments(s.arguments);
    for (const ast::Argument& a : s.arguments) {
      const InputValue* arg = field ? field->FindArg(a.name) : nullptr;
      // KnownArgumentNames
      if (field && !arg) {
        Report("Unknown argument \"" + a.name + "\" on field \"" + parent->name + "." + s.name +
                   "\"." + SuggestArgument(field->args, a.name),
               {a.loc});
      }
      VisitValue(a.value, arg ? std::optional(arg->type) : std::nullopt, arg && arg->default_value);
    }
    VisitDirectives(s.directives, "FIELD");
    if (s.has_selection_set) {
      VisitSelectionSet(s.selection_set, type && type->IsComposite() ? type : nullptr);
    }
    // ProvidedRequiredArguments (on leaving the field)
    if (field) {
      for (const InputValue& arg : field->args) {
        if (!arg.type.IsNonNull() || arg.default_value) continue;
        bool given = std::any_of(s.arguments.begin(), s.arguments.end(),
                                 [&](const ast::Argument& a) { return a.name == arg.name; });
        if (!given) {
          Report("Field \"" + s.name + "\" argument \"" + arg.name + "\" of type \"" +
                     arg.type.ToString() + "\" is required, but it was not provided.",
                 {s.loc});
        }
      }
    }
  }

  // OverlappingFieldsCanBeMerged, for the fields of one selection set (fragments flattened):
  // the same response name must mean the same field with the same arguments (unless the parents
  // are different object types) and a compatible shape, recursively.
  struct FieldAndParent {
    const Selection* sel;
    const NamedType* parent;
  };

  void Flatten(const ast::SelectionSet& set, const NamedType* parent,
               std::vector<FieldAndParent>& out, std::set<std::string>& visited) {
    for (const Selection& s : set.selections) {
      if (s.kind == SelectionKind::kField) {
        out.push_back({&s, parent});
      } else if (s.kind == SelectionKind::kInlineFragment) {
        const NamedType* t = s.type_condition.empty() ? parent : schema_.FindType(s.type_condition);
        Flatten(s.selection_set, t, out, visited);
      } else if (visited.insert(s.name).second) {
        auto it = fragments_.find(s.name);
        if (it != fragments_.end()) {
          Flatten(it->second->selection_set, schema_.FindType(it->second->type_condition), out,
                  visited);
        }
      }
    }
  }

  static bool SameArguments(const Selection& a, const Selection& b) {
    if (a.arguments.size() != b.arguments.size()) return false;
    for (const ast::Argument& x : a.arguments) {
      auto it = std::find_if(b.arguments.begin(), b.arguments.end(),
                             [&](const ast::Argument& y) { return y.name == x.name; });
      if (it == b.arguments.end() || PrintLiteral(it->value) != PrintLiteral(x.value)) return false;
    }
    return true;
  }

  static bool ShapesConflict(const TypeRef& a, const TypeRef& b, const Schema& schema) {
    if (a.IsList() || b.IsList()) {
      return !(a.IsList() && b.IsList()) || ShapesConflict(*a.of, *b.of, schema);
    }
    if (a.IsNonNull() || b.IsNonNull()) {
      return !(a.IsNonNull() && b.IsNonNull()) || ShapesConflict(*a.of, *b.of, schema);
    }
    const NamedType* x = schema.FindType(a.name);
    const NamedType* y = schema.FindType(b.name);
    if ((x && x->IsLeaf()) || (y && y->IsLeaf())) return a.name != b.name;
    return false;
  }

  // The reason two fields of one response name conflict, or empty.
  // Conflict, once per pair of fields: fragments that spread themselves (or each other) inside
  // subselections would otherwise make the comparison exponential in the nesting. A pair met
  // again while it is being compared counts as no conflict (only a fragment cycle leads back to
  // it, which NoFragmentCycles reports), as graphql-js's compared pairs do.
  struct Comparison {
    bool done = false;
    std::string why;
    std::vector<Location> left, right;
  };
  using PairKey =
      std::tuple<const Selection*, const NamedType*, const Selection*, const NamedType*, bool>;

  std::string Conflict(const FieldAndParent& a, const FieldAndParent& b, bool parents_exclusive,
                       std::vector<Location>& left, std::vector<Location>& right, int depth) {
    PairKey key{a.sel, a.parent, b.sel, b.parent, parents_exclusive};
    auto [it, is_new] = comparisons_.try_emplace(key);
    if (is_new) {
      Comparison result;
      result.why = CompareFields(a, b, parents_exclusive, result.left, result.right, depth);
      result.done = true;
      it = comparisons_.insert_or_assign(key, std::move(result)).first;
    }
    if (!it->second.done) return "";
    left.insert(left.end(), it->second.left.begin(), it->second.left.end());
    right.insert(right.end(), it->second.right.begin(), it->second.right.end());
    return it->second.why;
  }

  std::string CompareFields(const FieldAndParent& a, const FieldAndParent& b,
                            bool parents_exclusive, std::vector<Location>& left,
                            std::vector<Location>& right, int depth) {
    bool exclusive = parents_exclusive ||
                     (a.parent && b.parent && a.parent != b.parent &&
                      a.parent->kind == TypeKind::kObject && b.parent->kind == TypeKind::kObject);
    if (!exclusive) {
      if (a.sel->name != b.sel->name) {
        return "\"" + a.sel->name + "\" and \"" + b.sel->name + "\" are different fields";
      }
      if (!SameArguments(*a.sel, *b.sel)) return "they have differing arguments";
    }
    const Field* fa = FindField(a.parent, a.sel->name);
    const Field* fb = FindField(b.parent, b.sel->name);
    if (fa && fb && ShapesConflict(fa->type, fb->type, schema_)) {
      return "they return conflicting types \"" + fa->type.ToString() + "\" and \"" +
             fb->type.ToString() + "\"";
    }
    if (depth > 32 || !a.sel->has_selection_set || !b.sel->has_selection_set) return "";
    std::vector<FieldAndParent> sub;
    std::set<std::string> visited;
    Flatten(a.sel->selection_set, fa ? schema_.FindType(fa->type.NamedType()) : nullptr, sub,
            visited);
    size_t split = sub.size();
    visited.clear();
    Flatten(b.sel->selection_set, fb ? schema_.FindType(fb->type.NamedType()) : nullptr, sub,
            visited);
    for (size_t i = 0; i < split; ++i) {
      for (size_t j = split; j < sub.size(); ++j) {
        if (sub[i].sel->ResponseName() != sub[j].sel->ResponseName()) continue;
        std::vector<Location> inner_left, inner_right;
        std::string why = Conflict(sub[i], sub[j], exclusive, inner_left, inner_right, depth + 1);
        if (why.empty()) continue;
        left.push_back(sub[i].sel->loc);
        left.insert(left.end(), inner_left.begin(), inner_left.end());
        right.push_back(sub[j].sel->loc);
        right.insert(right.end(), inner_right.begin(), inner_right.end());
        return "subfields \"" + sub[i].sel->ResponseName() + "\" conflict because " + why;
      }
    }
    return "";
  }

  void CheckOverlaps(const ast::SelectionSet& set, const NamedType* parent) {
    std::vector<FieldAndParent> fields;
    std::set<std::string> visited;
    Flatten(set, parent, fields, visited);
    std::set<std::string> reported;
    for (size_t i = 0; i < fields.size(); ++i) {
      for (size_t j = i + 1; j < fields.size(); ++j) {
        const std::string& name = fields[i].sel->ResponseName();
        if (name != fields[j].sel->ResponseName() || reported.count(name)) continue;
        if (fields[i].sel == fields[j].sel) continue;
        std::vector<Location> left, right;
        std::string why = Conflict(fields[i], fields[j], false, left, right, 0);
        if (why.empty()) continue;
        reported.insert(name);
        std::vector<Location> locs{fields[i].sel->loc};
        locs.insert(locs.end(), left.begin(), left.end());
        locs.push_back(fields[j].sel->loc);
        locs.insert(locs.end(), right.begin(), right.end());
        Report("Fields \"" + name + "\" conflict because " + why +
                   ". Use different aliases on the fields to fetch both if this was intentional.",
               locs);
      }
    }
  }

  const Schema& schema_;
  const ast::Document& doc_;
  GraphQLErrors errors_;
  std::unordered_map<std::string, const ast::FragmentDefinition*> fragments_;
  std::map<std::string, Location> operation_names_;
  std::map<std::string, Location> fragment_names_;
  std::vector<VariableUsage> usages_;
  std::map<std::string, std::vector<VariableUsage>> fragment_usages_;
  std::set<std::string> cycle_visited_;
  std::vector<const Selection*> spread_path_;
  std::map<std::string, int> spread_path_index_;
  std::unordered_map<std::string, int> list_depth_;  // IntrospectionListDepth of each fragment
  std::map<PairKey, Comparison> comparisons_;        // Conflict of each pair compared
};

}  // namespace

GraphQLErrors Validate(const Schema& schema, const ast::Document& document) {
  return Validator(schema, document).Run();
}

}  // namespace livedrop::graphql
