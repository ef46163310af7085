#pragma once

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ftbench::util {

// RapidJSON writer helpers: keep serialisers short and field names visible.
using JsonWriter = rapidjson::PrettyWriter<rapidjson::StringBuffer>;
using CompactJsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

template <class W>
void put(W& w, const char* key, const std::string& v) { w.Key(key); w.String(v.c_str(), static_cast<rapidjson::SizeType>(v.size())); }
template <class W>
void put(W& w, const char* key, const char* v) { w.Key(key); w.String(v); }
template <class W>
void put(W& w, const char* key, bool v) { w.Key(key); w.Bool(v); }
template <class W>
void put(W& w, const char* key, int v) { w.Key(key); w.Int(v); }
template <class W>
void put(W& w, const char* key, int64_t v) { w.Key(key); w.Int64(v); }
template <class W>
void put(W& w, const char* key, uint64_t v) { w.Key(key); w.Uint64(v); }
template <class W>
void put(W& w, const char* key, double v) { w.Key(key); w.Double(v); }
template <class W, class T>
void put(W& w, const char* key, const std::optional<T>& v) {
  if (v) put(w, key, *v);
  else { w.Key(key); w.Null(); }
}
template <class W>
void put(W& w, const char* key, const std::vector<std::string>& v) {
  w.Key(key);
  w.StartArray();
  for (const auto& s : v) w.String(s.c_str(), static_cast<rapidjson::SizeType>(s.size()));
  w.EndArray();
}
template <class W>
void put(W& w, const char* key, const std::vector<int>& v) {
  w.Key(key);
  w.StartArray();
  for (int i : v) w.Int(i);
  w.EndArray();
}

// Readers that tolerate missing or mistyped fields (old or hand-edited files): the fallback.
std::string get_string(const rapidjson::Value& v, const char* key, const std::string& fallback = "");
bool get_bool(const rapidjson::Value& v, const char* key, bool fallback = false);
int64_t get_int(const rapidjson::Value& v, const char* key, int64_t fallback = 0);
std::optional<int> get_optional_int(const rapidjson::Value& v, const char* key);  // null/missing: nullopt
uint64_t get_uint(const rapidjson::Value& v, const char* key, uint64_t fallback = 0);
double get_double(const rapidjson::Value& v, const char* key, double fallback = 0);
std::vector<std::string> get_strings(const rapidjson::Value& v, const char* key);
std::vector<int> get_ints(const rapidjson::Value& v, const char* key);
const rapidjson::Value* get_object(const rapidjson::Value& v, const char* key);
const rapidjson::Value* get_array(const rapidjson::Value& v, const char* key);

// Compact JSON object from a flat list of string fields, for channel messages.
std::string json_string(const std::string& text);  // a quoted, escaped JSON string

}  // namespace ftbench::util
