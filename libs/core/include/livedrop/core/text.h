#pragma once

#include <string>
#include <string_view>

namespace livedrop {

// What a text field may hold. Every field is a single line; a few (a product's description)
// may break lines.
enum class TextKind { kLine, kMultiline };

// Throws ValidationError(field) when `value` holds a control character: NUL, any other C0
// control (in kMultiline text, tab, line feed and carriage return are allowed), DEL, or a C1
// control (U+0080–U+009F). Such characters make no sense in a name, a title or a token and are
// how stored text is turned into something else (a URL split in two, a log line forged, a
// NUL PostgreSQL refuses).
void RequirePlainText(const std::string& field, std::string_view value,
                      TextKind kind = TextKind::kLine);

}  // namespace livedrop
