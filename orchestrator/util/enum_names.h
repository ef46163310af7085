#pragma once
// One string mapping per enum. An enum that is written to files or shown to people declares
// its names once, beside the enum, as a function found by argument-dependent lookup:
//
//   enum class Colour { red, green };
//   inline constexpr util::EnumName<Colour> kColourNames[] = {{Colour::red, "red"}, {Colour::green, "green"}};
//   constexpr std::span<const util::EnumName<Colour>> enum_names(Colour) { return kColourNames; }
//
// and everything else goes through util::name / util::parse / util::choices (and the JSON
// codec, which writes and reads enums by these names).

#include <concepts>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>

namespace ftbench::util {

template <class E>
struct EnumName {
  E value;
  std::string_view name;
};

template <class E>
concept NamedEnum = std::is_enum_v<E> && requires(E e) {
  { enum_names(e) } -> std::convertible_to<std::span<const EnumName<E>>>;
};

// The name of `value`; "unknown" for a value missing from its table (a programming error).
template <NamedEnum E>
constexpr std::string_view name(E value) {
  for (const auto& n : enum_names(E{}))
    if (n.value == value) return n.name;
  return "unknown";
}

template <NamedEnum E>
std::string name_string(E value) {
  return std::string(name(value));
}

// The value named `text` exactly; nullopt when no value has that name.
template <NamedEnum E>
constexpr std::optional<E> parse(std::string_view text) {
  for (const auto& n : enum_names(E{}))
    if (n.name == text) return n.value;
  return std::nullopt;
}

// "a, b or c": for error messages that list what is valid.
template <NamedEnum E>
std::string choices(std::string_view last_joiner = " or ") {
  const auto names = enum_names(E{});
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += i + 1 == names.size() ? std::string(last_joiner) : std::string(", ");
    out += names[i].name;
  }
  return out;
}

}  // namespace ftbench::util
