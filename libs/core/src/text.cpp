#include "livedrop/core/text.h"

#include "livedrop/core/error.h"

namespace livedrop {
namespace {

bool AllowedControl(unsigned char c, TextKind kind) {
  return kind == TextKind::kMultiline && (c == '\t' || c == '\n' || c == '\r');
}

}  // namespace

void RequirePlainText(const std::string& field, std::string_view value, TextKind kind) {
  for (std::size_t i = 0; i < value.size(); ++i) {
    const auto c = static_cast<unsigned char>(value[i]);
    const bool c0 = c < 0x20 || c == 0x7f;
    // U+0080..U+009F are C2 80..C2 9F in UTF-8.
    const bool c1 = c == 0xc2 && i + 1 < value.size() &&
                    static_cast<unsigned char>(value[i + 1]) >= 0x80 &&
                    static_cast<unsigned char>(value[i + 1]) <= 0x9f;
    if ((c0 && !AllowedControl(c, kind)) || c1) {
      throw ValidationError(field, field + " must not contain control characters" +
                                       (kind == TextKind::kMultiline
                                            ? std::string(" (other than tab and line breaks)")
                                            : std::string()));
    }
  }
}

}  // namespace livedrop
