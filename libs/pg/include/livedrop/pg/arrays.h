#pragma once

#include <string>
#include <vector>

namespace livedrop::pg {

// `items` as a PostgreSQL array literal ({"a","b"}), every element quoted and escaped, for a
// statement parameter cast to an array type: `WHERE id = ANY($1::uuid[])`. (libpqxx 6 has no
// conversion of containers to parameters.)
std::string ArrayLiteral(const std::vector<std::string>& items);

}  // namespace livedrop::pg
