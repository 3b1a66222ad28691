#pragma once

#include <string>
#include <vector>

namespace pqxx {
class field;
}

namespace livedrop::pg {

// `items` as a PostgreSQL array literal ({"a","b"}), every element quoted and escaped, for a
// statement parameter cast to an array type: `WHERE id = ANY($1::uuid[])`. (libpqxx 6 has no
// conversion of containers to parameters.)
std::string ArrayLiteral(const std::vector<std::string>& items);

// A one-dimensional text[] column read back, element by element (NULL elements skipped).
std::vector<std::string> TextArray(const pqxx::field& field);

}  // namespace livedrop::pg
