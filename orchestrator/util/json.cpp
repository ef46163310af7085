#include "util/json.h"

namespace ftbench::util {

namespace {
const rapidjson::Value* member(const rapidjson::Value& v, const char* key) {
  if (!v.IsObject()) return nullptr;
  auto it = v.FindMember(key);
  return it == v.MemberEnd() ? nullptr : &it->value;
}
}  // namespace

std::string get_string(const rapidjson::Value& v, const char* key, const std::string& fallback) {
  auto m = member(v, key);
  return m && m->IsString() ? std::string(m->GetString(), m->GetStringLength()) : fallback;
}
bool get_bool(const rapidjson::Value& v, const char* key, bool fallback) {
  auto m = member(v, key);
  return m && m->IsBool() ? m->GetBool() : fallback;
}
int64_t get_int(const rapidjson::Value& v, const char* key, int64_t fallback) {
  auto m = member(v, key);
  return m && m->IsInt64() ? m->GetInt64() : fallback;
}
std::optional<int> get_optional_int(const rapidjson::Value& v, const char* key) {
  auto m = member(v, key);
  if (m && m->IsInt()) return m->GetInt();
  return std::nullopt;
}
uint64_t get_uint(const rapidjson::Value& v, const char* key, uint64_t fallback) {
  auto m = member(v, key);
  return m && m->IsUint64() ? m->GetUint64() : fallback;
}
double get_double(const rapidjson::Value& v, const char* key, double fallback) {
  auto m = member(v, key);
  return m && m->IsNumber() ? m->GetDouble() : fallback;
}
std::vector<std::string> get_strings(const rapidjson::Value& v, const char* key) {
  std::vector<std::string> out;
  if (auto m = member(v, key); m && m->IsArray())
    for (const auto& s : m->GetArray())
      if (s.IsString()) out.emplace_back(s.GetString(), s.GetStringLength());
  return out;
}
std::vector<int> get_ints(const rapidjson::Value& v, const char* key) {
  std::vector<int> out;
  if (auto m = member(v, key); m && m->IsArray())
    for (const auto& s : m->GetArray())
      if (s.IsInt()) out.push_back(s.GetInt());
  return out;
}
const rapidjson::Value* get_object(const rapidjson::Value& v, const char* key) {
  auto m = member(v, key);
  return m && m->IsObject() ? m : nullptr;
}
const rapidjson::Value* get_array(const rapidjson::Value& v, const char* key) {
  auto m = member(v, key);
  return m && m->IsArray() ? m : nullptr;
}

std::string json_string(const std::string& text) {
  rapidjson::StringBuffer buf;
  rapidjson::Writer<rapidjson::StringBuffer> w(buf);
  w.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  return buf.GetString();
}

}  // namespace ftbench::util
