#include "util/json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <variant>

namespace ftbench::json {

struct Writer::Impl {
  rapidjson::StringBuffer buffer;
  std::variant<rapidjson::PrettyWriter<rapidjson::StringBuffer>, rapidjson::Writer<rapidjson::StringBuffer>> writer;

  explicit Impl(Style style)
      : writer(style == Style::pretty
                   ? decltype(writer)(std::in_place_index<0>, buffer)
                   : decltype(writer)(std::in_place_index<1>, buffer)) {}

  template <class F>
  void apply(F&& f) {
    std::visit(f, writer);
  }
};

Writer::Writer(Style style) : impl_(std::make_unique<Impl>(style)) {}
Writer::~Writer() = default;

void Writer::start_object() { impl_->apply([](auto& w) { w.StartObject(); }); }
void Writer::end_object() { impl_->apply([](auto& w) { w.EndObject(); }); }
void Writer::start_array() { impl_->apply([](auto& w) { w.StartArray(); }); }
void Writer::end_array() { impl_->apply([](auto& w) { w.EndArray(); }); }
void Writer::key(std::string_view name) {
  impl_->apply([&](auto& w) { w.Key(name.data(), static_cast<rapidjson::SizeType>(name.size()), true); });
}
void Writer::null() { impl_->apply([](auto& w) { w.Null(); }); }
void Writer::boolean(bool v) { impl_->apply([&](auto& w) { w.Bool(v); }); }
void Writer::integer(int64_t v) { impl_->apply([&](auto& w) { w.Int64(v); }); }
void Writer::unsigned_integer(uint64_t v) { impl_->apply([&](auto& w) { w.Uint64(v); }); }
void Writer::number(double v) {
  if (!std::isfinite(v)) return null();
  impl_->apply([&](auto& w) { w.Double(v); });
}
void Writer::string(std::string_view v) {
  impl_->apply([&](auto& w) { w.String(v.data(), static_cast<rapidjson::SizeType>(v.size()), true); });
}

std::string Writer::str() const { return std::string(impl_->buffer.GetString(), impl_->buffer.GetSize()); }

const Value* member(const Value& v, std::string_view key) {
  if (!v.IsObject()) return nullptr;
  const auto it = v.FindMember(rapidjson::Value(rapidjson::StringRef(key.data(), static_cast<rapidjson::SizeType>(key.size()))));
  return it == v.MemberEnd() ? nullptr : &it->value;
}

const Value* FieldReader::find(std::string_view key) const { return member(v_, key); }

std::optional<Document> parse(std::string_view text, std::string* error) {
  Document doc;
  // Full precision: every double the Writer wrote reads back bit for bit, so a file rewritten
  // from what was read (results.json by `report` and `--resume`) agrees with its source.
  // Iterative: the recursive parser takes stack per nesting level, so a line of a million '['
  // (a child's channel line may be 4 MiB) overflowed the stack and killed the orchestrator.
  doc.Parse<rapidjson::kParseFullPrecisionFlag | rapidjson::kParseIterativeFlag>(text.data(), text.size());
  if (doc.HasParseError()) {
    if (error)
      *error = "offset " + std::to_string(doc.GetErrorOffset()) + ": " + rapidjson::GetParseError_En(doc.GetParseError());
    return std::nullopt;
  }
  return doc;
}

}  // namespace ftbench::json
