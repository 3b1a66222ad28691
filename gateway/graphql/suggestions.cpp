#include "graphql/suggestions.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <map>
#include <optional>

namespace livedrop::graphql {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance between `input` and `option`, or nothing past `threshold`;
// equal but for case counts 1.
std::optional<std::size_t> LexicalDistance(std::string_view input, std::string_view option,
                                           std::size_t threshold) {
  if (input == option) return 0;
  std::string a = Lower(option);
  std::string b = Lower(input);
  if (a == b) return 1;
  if (a.size() < b.size()) std::swap(a, b);
  if (a.size() - b.size() > threshold) return std::nullopt;
  std::array<std::vector<std::size_t>, 3> rows;
  for (auto& row : rows) row.assign(b.size() + 1, 0);
  for (std::size_t j = 0; j <= b.size(); ++j) rows[0][j] = j;
  for (std::size_t i = 1; i <= a.size(); ++i) {
    const auto& up = rows[(i - 1) % 3];
    auto& current = rows[i % 3];
    std::size_t smallest = current[0] = i;
    for (std::size_t j = 1; j <= b.size(); ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      std::size_t cell = std::min({up[j] + 1, current[j - 1] + 1, up[j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        cell = std::min(cell, rows[(i - 2) % 3][j - 2] + 1);
      }
      smallest = std::min(smallest, cell);
      current[j] = cell;
    }
    if (smallest > threshold) return std::nullopt;
  }
  const std::size_t distance = rows[a.size() % 3][b.size()];
  if (distance > threshold) return std::nullopt;
  return distance;
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// graphql-js's naturalCompare: runs of digits compare as numbers.
int NaturalCompare(std::string_view a, std::string_view b) {
  std::size_t i = 0;
  std::size_t j = 0;
  while (i < a.size() && j < b.size()) {
    if (IsDigit(a[i]) && IsDigit(b[j])) {
      unsigned long long x = 0;
      do {
        x = x * 10 + static_cast<unsigned>(a[i++] - '0');
      } while (i < a.size() && IsDigit(a[i]) && x > 0);
      unsigned long long y = 0;
      do {
        y = y * 10 + static_cast<unsigned>(b[j++] - '0');
      } while (j < b.size() && IsDigit(b[j]) && y > 0);
      if (x != y) return x < y ? -1 : 1;
    } else {
      if (a[i] != b[j]) return a[i] < b[j] ? -1 : 1;
      ++i;
      ++j;
    }
  }
  return static_cast<int>(a.size()) - static_cast<int>(b.size());
}

template <typename T>
std::vector<std::string> NamesOf(const std::vector<T>& items) {
  std::vector<std::string> names;
  names.reserve(items.size());
  for (const T& item : items) names.push_back(item.name);
  return names;
}

bool HasField(const NamedType& type, std::string_view name) {
  return type.FindField(name) != nullptr;
}

}  // namespace

std::vector<std::string> SuggestionList(std::string_view input,
                                        const std::vector<std::string>& options) {
  const std::size_t threshold = input.size() * 2 / 5 + 1;  // floor(length × 0.4) + 1
  std::vector<std::pair<std::size_t, std::string>> found;
  for (const std::string& option : options) {
    if (std::any_of(found.begin(), found.end(), [&](const auto& f) { return f.second == option; }))
      continue;
    if (auto distance = LexicalDistance(input, option, threshold)) {
      found.emplace_back(*distance, option);
    }
  }
  std::sort(found.begin(), found.end(), [](const auto& x, const auto& y) {
    if (x.first != y.first) return x.first < y.first;
    return NaturalCompare(x.second, y.second) < 0;
  });
  std::vector<std::string> out;
  out.reserve(found.size());
  for (auto& f : found) out.push_back(std::move(f.second));
  return out;
}

std::string DidYouMean(const std::vector<std::string>& suggestions, std::string_view sub_message) {
  constexpr std::size_t kMaxSuggestions = 5;
  if (suggestions.empty()) return "";
  std::string message = " Did you mean ";
  if (!sub_message.empty()) message += std::string(sub_message) + " ";
  auto quoted = [](const std::string& s) { return "\"" + s + "\""; };
  if (suggestions.size() == 1) return message + quoted(suggestions[0]) + "?";
  if (suggestions.size() == 2) {
    return message + quoted(suggestions[0]) + " or " + quoted(suggestions[1]) + "?";
  }
  const std::size_t n = std::min(suggestions.size(), kMaxSuggestions);
  for (std::size_t i = 0; i + 1 < n; ++i) message += quoted(suggestions[i]) + ", ";
  return message + "or " + quoted(suggestions[n - 1]) + "?";
}

std::string SuggestField(const Schema& schema, const NamedType& type, std::string_view name) {
  if (type.IsAbstract()) {
    // The types that have the field, most used first (an interface counts once per object
    // type that has it through it), an interface before the types implementing it.
    std::vector<const NamedType*> types;
    std::map<std::string, int> usage;
    auto add = [&](const NamedType* t) {
      if (usage[t->name]++ == 0) types.push_back(t);
    };
    for (const NamedType* object : schema.PossibleTypes(type)) {
      if (!HasField(*object, name)) continue;
      add(object);
      for (const std::string& interface_name : object->interfaces) {
        const NamedType* interface = schema.FindType(interface_name);
        if (interface != nullptr && HasField(*interface, name)) add(interface);
      }
    }
    auto implements = [](const NamedType& sub, const NamedType& super) {
      return std::find(sub.interfaces.begin(), sub.interfaces.end(), super.name) !=
             sub.interfaces.end();
    };
    std::stable_sort(types.begin(), types.end(), [&](const NamedType* a, const NamedType* b) {
      if (usage[a->name] != usage[b->name]) return usage[a->name] > usage[b->name];
      if (a->kind == TypeKind::kInterface && implements(*b, *a)) return true;
      if (b->kind == TypeKind::kInterface && implements(*a, *b)) return false;
      return NaturalCompare(a->name, b->name) < 0;
    });
    if (!types.empty()) {
      std::vector<std::string> names;
      for (const NamedType* t : types) names.push_back(t->name);
      return DidYouMean(names, "to use an inline fragment on");
    }
  }
  if (type.kind != TypeKind::kObject && type.kind != TypeKind::kInterface) return "";
  return DidYouMean(SuggestionList(name, NamesOf(type.fields)));
}

std::string SuggestArgument(const std::vector<InputValue>& args, std::string_view name) {
  return DidYouMean(SuggestionList(name, NamesOf(args)));
}

std::string SuggestInputField(const NamedType& input_object, std::string_view name) {
  return DidYouMean(SuggestionList(name, NamesOf(input_object.input_fields)));
}

std::string SuggestEnumValue(const NamedType& enum_type, std::string_view value) {
  return DidYouMean(SuggestionList(value, NamesOf(enum_type.enum_values)), "the enum value");
}

std::string SuggestType(const Schema& schema, std::string_view name) {
  std::vector<std::string> names;
  for (const NamedType* t : schema.Types()) names.push_back(t->name);
  return DidYouMean(SuggestionList(name, names));
}

}  // namespace livedrop::graphql
