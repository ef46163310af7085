#include "history/database.h"

#include <cstring>

namespace ftbench::history {

int64_t Row::integer(size_t i) const {
  const auto& v = values.at(i);
  if (const auto* x = std::get_if<int64_t>(&v)) return *x;
  if (const auto* d = std::get_if<double>(&v)) return static_cast<int64_t>(*d);
  return 0;
}

double Row::real(size_t i) const {
  const auto& v = values.at(i);
  if (const auto* d = std::get_if<double>(&v)) return *d;
  if (const auto* x = std::get_if<int64_t>(&v)) return static_cast<double>(*x);
  return 0;
}

std::string Row::text(size_t i) const {
  const auto& v = values.at(i);
  if (const auto* s = std::get_if<std::string>(&v)) return *s;
  if (const auto* x = std::get_if<int64_t>(&v)) return std::to_string(*x);
  return "";
}

const Blob& Row::blob(size_t i) const {
  static const Blob empty;
  const auto* b = std::get_if<Blob>(&values.at(i));
  return b ? *b : empty;
}

std::optional<int64_t> Row::optional_integer(size_t i) const {
  return is_null(i) ? std::nullopt : std::optional(integer(i));
}

std::optional<double> Row::optional_real(size_t i) const { return is_null(i) ? std::nullopt : std::optional(real(i)); }

// Little-endian hosts only (x86-64, AArch64): the bytes are the values' own.
Blob pack_doubles(const std::vector<double>& values) {
  Blob out(values.size() * sizeof(double));
  if (!values.empty()) std::memcpy(out.data(), values.data(), out.size());
  return out;
}

std::vector<double> unpack_doubles(const Blob& blob) {
  std::vector<double> out(blob.size() / sizeof(double));
  if (!out.empty()) std::memcpy(out.data(), blob.data(), out.size() * sizeof(double));
  return out;
}

Blob pack_ints(const std::vector<int>& values) {
  std::vector<int32_t> narrow(values.begin(), values.end());
  Blob out(narrow.size() * sizeof(int32_t));
  if (!narrow.empty()) std::memcpy(out.data(), narrow.data(), out.size());
  return out;
}

std::vector<int> unpack_ints(const Blob& blob) {
  std::vector<int32_t> narrow(blob.size() / sizeof(int32_t));
  if (!narrow.empty()) std::memcpy(narrow.data(), blob.data(), narrow.size() * sizeof(int32_t));
  return {narrow.begin(), narrow.end()};
}

}  // namespace ftbench::history
