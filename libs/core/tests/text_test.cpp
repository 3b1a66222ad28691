#include "livedrop/core/text.h"

#include <gtest/gtest.h>

#include "livedrop/core/error.h"

namespace livedrop {
namespace {

std::string RefusalOf(std::string_view value, TextKind kind = TextKind::kLine) {
  try {
    RequirePlainText("title", value, kind);
  } catch (const Error& e) {
    EXPECT_EQ(e.code(), "validation_failed");
    return e.what();
  }
  return "";
}

TEST(PlainText, AcceptsPrintableTextInAnyScript) {
  EXPECT_EQ(RefusalOf("Sneaker drop — édition limitée 限定 🔥"), "");
  EXPECT_EQ(RefusalOf(""), "");
  EXPECT_EQ(RefusalOf("line one\nline two\r\n\tindented", TextKind::kMultiline), "");
}

TEST(PlainText, RefusesNulEveryC0ControlDelAndC1Controls) {
  EXPECT_NE(RefusalOf(std::string("a\0b", 3)), "");
  for (int c = 1; c < 0x20; ++c) {
    EXPECT_NE(RefusalOf(std::string("a") + static_cast<char>(c) + "b"), "") << "C0 " << c;
  }
  EXPECT_NE(RefusalOf("a\x7f"), "");
  EXPECT_NE(RefusalOf("a\xc2\x85"), "") << "U+0085 next line";
  EXPECT_NE(RefusalOf("a\xc2\x9f"), "");
  EXPECT_EQ(RefusalOf("a\xc2\xa0"), "") << "U+00A0 is printable";
}

TEST(PlainText, MultilineAllowsOnlyTabAndLineBreaks) {
  EXPECT_NE(RefusalOf(std::string("a\0b", 3), TextKind::kMultiline), "");
  EXPECT_NE(RefusalOf("bell\a", TextKind::kMultiline), "");
  EXPECT_NE(RefusalOf("a\nb"), "") << "a single-line field refuses a line feed";
}

TEST(PlainText, TheRefusalNamesTheField) {
  try {
    RequirePlainText("display_name", "x\x1b[31m");
    FAIL() << "accepted an escape sequence";
  } catch (const Error& e) {
    EXPECT_NE(std::string(e.what()).find("display_name"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace livedrop
