#include "promql_names.h"

#include <cctype>
#include <sstream>

namespace livedrop::compose_check {
namespace {

bool IdentStart(char c) { return std::isalpha(static_cast<unsigned char>(c)) || c == '_' || c == ':'; }
bool IdentChar(char c) { return IdentStart(c) || std::isdigit(static_cast<unsigned char>(c)); }

// Skips from an opening delimiter to its matching close (strings inside are skipped whole).
std::size_t SkipGroup(const std::string& s, std::size_t i, char open, char close);

std::size_t SkipString(const std::string& s, std::size_t i) {
  const char quote = s[i++];
  while (i < s.size() && s[i] != quote) i += (s[i] == '\\' && quote != '`') ? 2 : 1;
  return i + 1;
}

std::size_t SkipGroup(const std::string& s, std::size_t i, char open, char close) {
  int depth = 0;
  while (i < s.size()) {
    const char c = s[i];
    if (c == '"' || c == '\'' || c == '`') {
      i = SkipString(s, i);
      continue;
    }
    if (c == open) ++depth;
    if (c == close && --depth == 0) return i + 1;
    ++i;
  }
  return i;
}

std::size_t SkipSpaces(const std::string& s, std::size_t i) {
  while (i < s.size() && std::isspace(static_cast<unsigned char>(s[i]))) ++i;
  return i;
}

const std::set<std::string>& Keywords() {
  static const std::set<std::string> k{"by",  "without", "on",     "ignoring", "group_left",
                                       "group_right", "bool", "and", "or", "unless",
                                       "offset", "inf", "nan", "Inf", "NaN"};
  return k;
}

// Keywords followed by a parenthesised list of label names, not of expressions.
const std::set<std::string>& LabelListKeywords() {
  static const std::set<std::string> k{"by", "without", "on", "ignoring", "group_left",
                                       "group_right"};
  return k;
}

// May be followed by "by (...)" or "without (...)" before their "(": never a metric.
const std::set<std::string>& Aggregations() {
  static const std::set<std::string> k{"sum",   "min",    "max",    "avg",          "group",
                                       "stddev", "stdvar", "count", "count_values", "bottomk",
                                       "topk",  "quantile"};
  return k;
}

}  // namespace

std::set<std::string> PromQLMetricNames(const std::string& expr) {
  std::set<std::string> names;
  std::size_t i = 0;
  while (i < expr.size()) {
    const char c = expr[i];
    if (c == '"' || c == '\'' || c == '`') {
      i = SkipString(expr, i);
    } else if (c == '{') {
      i = SkipGroup(expr, i, '{', '}');
    } else if (c == '[') {
      i = SkipGroup(expr, i, '[', ']');
    } else if (c == '$') {  // a Grafana variable
      ++i;
      while (i < expr.size() && IdentChar(expr[i])) ++i;
    } else if (std::isdigit(static_cast<unsigned char>(c)) || c == '.') {  // 0.99, 1e3, 5m
      while (i < expr.size() && (IdentChar(expr[i]) || expr[i] == '.')) ++i;
    } else if (IdentStart(c)) {
      const std::size_t start = i;
      while (i < expr.size() && IdentChar(expr[i])) ++i;
      const std::string word = expr.substr(start, i - start);
      const std::size_t next = SkipSpaces(expr, i);
      if (LabelListKeywords().count(word) && next < expr.size() && expr[next] == '(') {
        i = SkipGroup(expr, next, '(', ')');
      } else if (!Keywords().count(word) && !Aggregations().count(word) &&
                 (next >= expr.size() || expr[next] != '(')) {
        names.insert(word);  // not a keyword, an aggregation or a function call: a metric
      }
    } else {
      ++i;
    }
  }
  return names;
}

std::set<std::string> ExportedMetricNames(const std::string& exposition) {
  std::set<std::string> names;
  std::istringstream in(exposition);
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("# TYPE ", 0) == 0) {
      std::istringstream words(line.substr(7));
      std::string name, type;
      words >> name >> type;
      names.insert(name);
      if (type == "histogram") {
        for (const char* suffix : {"_bucket", "_sum", "_count"}) names.insert(name + suffix);
      }
    } else if (!line.empty() && line[0] != '#') {
      std::size_t end = 0;
      while (end < line.size() && IdentChar(line[end])) ++end;
      if (end > 0) names.insert(line.substr(0, end));
    }
  }
  return names;
}

}  // namespace livedrop::compose_check
