#pragma once
// The program's one JSON approach: RapidJSON behind per-type codecs. A model type that maps to
// a JSON object field by field lists its fields once, beside itself (found by argument-dependent
// lookup), and that list serves both directions:
//
//   template <class F> void describe(T& t, F& f) {
//     f("name", t.name);               // always written
//     f.optional("message", t.message); // written only when set (non-empty, engaged, true)
//   }
//
// A type whose JSON is not a plain field list declares its codec itself instead:
//
//   void to_json(json::Writer& w, const T& value);       // writes one JSON value
//   void from_json(const json::Value& v, T& value);      // reads it back
//
// json::write / json::read handle the basic types, optionals, vectors, string maps and named
// enums (util/enum_names.h) and dispatch to the above. Reading is tolerant: a missing or
// mistyped field leaves the member at its default, so old and hand-edited files still load.
//
// Why RapidJSON rather than Boost.JSON with Boost.Describe: Debian 12 ships Boost 1.74, which
// has neither (Boost.JSON arrived in 1.75, Describe in 1.77); RapidJSON is already a
// dependency, fast, and lets one writer produce both pretty files and compact channel lines.

#include <rapidjson/document.h>

#include <cstdint>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <limits>
#include <type_traits>
#include <utility>
#include <vector>

#include "util/enum_names.h"

namespace ftbench::json {

using Value = rapidjson::Value;
using Document = rapidjson::Document;

class Writer {
 public:
  enum class Style { pretty, compact };
  explicit Writer(Style style = Style::pretty);
  ~Writer();
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  void start_object();
  void end_object();
  void start_array();
  void end_array();
  void key(std::string_view name);
  void null();
  void boolean(bool v);
  void integer(int64_t v);
  void unsigned_integer(uint64_t v);
  void number(double v);  // NaN and infinities have no JSON form: written as null
  void string(std::string_view v);

  // key + value, the value written by json::write.
  template <class T>
  void field(std::string_view name, const T& value);

  std::string str() const;  // the text written so far

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

namespace detail {
template <class T> struct is_optional : std::false_type {};
template <class T> struct is_optional<std::optional<T>> : std::true_type {};
template <class T> struct is_vector : std::false_type {};
template <class T> struct is_vector<std::vector<T>> : std::true_type {};
template <class T> struct is_named_pairs : std::false_type {};
template <class T> struct is_named_pairs<std::vector<std::pair<std::string, T>>> : std::true_type {};
template <class T> struct is_string_map : std::false_type {};
template <class T> struct is_string_map<std::map<std::string, T>> : std::true_type {};
}  // namespace detail

template <class T>
void write(Writer& w, const T& v);
template <class T>
bool read(const Value& v, T& out);

// The visitors describe() is called with.
class FieldWriter {
 public:
  explicit FieldWriter(Writer& w) : w_(w) {}
  template <class T>
  void operator()(std::string_view key, const T& value) {
    w_.field(key, value);
  }
  template <class T>
  void optional(std::string_view key, const T& value) {
    if (is_set(value)) w_.field(key, value);
  }

 private:
  template <class T>
  static bool is_set(const T& value) {
    if constexpr (std::is_same_v<T, bool>) return value;
    else if constexpr (requires { value.has_value(); }) return value.has_value();
    else if constexpr (requires { value.empty(); }) return !value.empty();
    else return true;
  }
  Writer& w_;
};

class FieldReader {
 public:
  explicit FieldReader(const Value& v) : v_(v) {}
  template <class T>
  void operator()(std::string_view key, T& out) {
    if (const Value* m = find(key)) read(*m, out);
  }
  template <class T>
  void optional(std::string_view key, T& out) {
    (*this)(key, out);
  }

 private:
  const Value* find(std::string_view key) const;
  const Value& v_;
};

template <class T>
concept Described = requires(T& t, FieldWriter& w, FieldReader& r) {
  describe(t, w);
  describe(t, r);
};
template <class T>
concept HasFromJson = requires(const Value& v, T& t) { from_json(v, t); };

// The described fields of `value` into the enclosing object (for layouts that add to them).
template <Described T>
void write_fields(Writer& w, const T& value) {
  FieldWriter f(w);
  // describe() takes T& so that one list serves reading too; the writer only reads from it.
  describe(const_cast<T&>(value), f);
}
template <Described T>
void read_fields(const Value& v, T& value) {
  FieldReader f(v);
  describe(value, f);
}

// Writes one value: basic types directly, named enums by name, containers element-wise, any
// other type through its own to_json.
template <class T>
void write(Writer& w, const T& v) {
  if constexpr (std::is_same_v<T, bool>) {
    w.boolean(v);
  } else if constexpr (util::NamedEnum<T>) {
    w.string(util::name(v));
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    w.integer(static_cast<int64_t>(v));
  } else if constexpr (std::is_integral_v<T>) {
    w.unsigned_integer(static_cast<uint64_t>(v));
  } else if constexpr (std::is_floating_point_v<T>) {
    w.number(static_cast<double>(v));
  } else if constexpr (std::is_same_v<T, std::filesystem::path>) {
    w.string(v.string());
  } else if constexpr (std::is_convertible_v<const T&, std::string_view>) {
    w.string(std::string_view(v));
  } else if constexpr (detail::is_optional<T>::value) {
    if (v) write(w, *v);
    else w.null();
  } else if constexpr (detail::is_named_pairs<T>::value || detail::is_string_map<T>::value) {
    w.start_object();
    for (const auto& [k, x] : v) w.field(k, x);
    w.end_object();
  } else if constexpr (detail::is_vector<T>::value) {
    w.start_array();
    for (const auto& x : v) write(w, x);
    w.end_array();
  } else if constexpr (Described<T>) {
    w.start_object();
    write_fields(w, v);
    w.end_object();
  } else {
    to_json(w, v);
  }
}

template <class T>
void Writer::field(std::string_view name, const T& value) {
  key(name);
  write(*this, value);
}

// Reads one value into `out`; false (and `out` unchanged) when `v` does not hold a T.
template <class T>
bool read(const Value& v, T& out) {
  if constexpr (std::is_same_v<T, bool>) {
    if (!v.IsBool()) return false;
    out = v.GetBool();
  } else if constexpr (util::NamedEnum<T>) {
    if (!v.IsString()) return false;
    auto parsed = util::parse<T>(std::string_view(v.GetString(), v.GetStringLength()));
    if (!parsed) return false;
    out = *parsed;
  } else if constexpr (std::is_integral_v<T> && std::is_signed_v<T>) {
    if (!v.IsInt64()) return false;
    const int64_t x = v.GetInt64();
    if (x < static_cast<int64_t>(std::numeric_limits<T>::min()) || x > static_cast<int64_t>(std::numeric_limits<T>::max()))
      return false;
    out = static_cast<T>(x);
  } else if constexpr (std::is_integral_v<T>) {
    if (!v.IsUint64()) return false;
    const uint64_t x = v.GetUint64();
    if (x > static_cast<uint64_t>(std::numeric_limits<T>::max())) return false;
    out = static_cast<T>(x);
  } else if constexpr (std::is_floating_point_v<T>) {
    if (!v.IsNumber()) return false;
    out = static_cast<T>(v.GetDouble());
  } else if constexpr (std::is_same_v<T, std::string> || std::is_same_v<T, std::filesystem::path>) {
    if (!v.IsString()) return false;
    out = std::string(v.GetString(), v.GetStringLength());
  } else if constexpr (detail::is_optional<T>::value) {
    if (v.IsNull()) {
      out.reset();
      return true;
    }
    typename T::value_type inner{};
    if (!read(v, inner)) return false;
    out = std::move(inner);
  } else if constexpr (detail::is_named_pairs<T>::value) {
    if (!v.IsObject()) return false;
    out.clear();
    for (const auto& m : v.GetObject()) {
      typename T::value_type::second_type x{};
      if (read(m.value, x)) out.emplace_back(std::string(m.name.GetString(), m.name.GetStringLength()), std::move(x));
    }
  } else if constexpr (detail::is_string_map<T>::value) {
    if (!v.IsObject()) return false;
    out.clear();
    for (const auto& m : v.GetObject()) {
      typename T::mapped_type x{};
      if (read(m.value, x)) out[std::string(m.name.GetString(), m.name.GetStringLength())] = std::move(x);
    }
  } else if constexpr (detail::is_vector<T>::value) {
    if (!v.IsArray()) return false;
    out.clear();
    for (const auto& item : v.GetArray()) {
      typename T::value_type x{};
      if (read(item, x)) out.push_back(std::move(x));  // a mistyped element is skipped
    }
  } else {
    if (!v.IsObject()) return false;
    if constexpr (HasFromJson<T>) from_json(v, out);
    else read_fields(v, out);
  }
  return true;
}

// The member `key` of object `v`, or nullptr.
const Value* member(const Value& v, std::string_view key);

// Reads member `key` of object `v` into `out` when present and of the right type.
template <class T>
bool get(const Value& v, std::string_view key, T& out) {
  const Value* m = member(v, key);
  return m && read(*m, out);
}

// The member's value, or `fallback`.
template <class T>
T get_or(const Value& v, std::string_view key, T fallback) {
  get(v, key, fallback);
  return fallback;
}

// Parses `text`; nullopt with `error` set ("offset 12: Missing a comma...") when it is not JSON.
std::optional<Document> parse(std::string_view text, std::string* error = nullptr);

// The whole document for one value (pretty unless said otherwise).
template <class T>
std::string to_string(const T& value, Writer::Style style = Writer::Style::pretty) {
  Writer w(style);
  write(w, value);
  return w.str();
}

}  // namespace ftbench::json
