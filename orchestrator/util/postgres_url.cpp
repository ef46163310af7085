#include "util/postgres_url.h"

#include <cctype>

namespace ftbench::util {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

std::string_view scheme_of(std::string_view text) {
  for (auto s : kSchemes)
    if (text.substr(0, s.size()) == s) return s;
  return {};
}

// The user-info part (before '@' in the authority) and where the authority ends.
struct Parts {
  std::string_view scheme, authority, rest;
};

Parts split(std::string_view text) {
  Parts p;
  p.scheme = scheme_of(text);
  const auto after = text.substr(p.scheme.size());
  const auto end = after.find_first_of("/?");
  p.authority = after.substr(0, end);
  p.rest = end == std::string_view::npos ? std::string_view{} : after.substr(end);
  return p;
}

bool has_password_parameter(std::string_view rest) {
  const auto q = rest.find('?');
  if (q == std::string_view::npos) return false;
  auto query = rest.substr(q + 1);
  while (!query.empty()) {
    const auto amp = query.find('&');
    const auto item = query.substr(0, amp);
    if (item.substr(0, 9) == "password=" || item == "password") return true;
    if (amp == std::string_view::npos) break;
    query = query.substr(amp + 1);
  }
  return false;
}

}  // namespace

bool is_postgres_url(std::string_view text) { return !scheme_of(text).empty(); }

std::optional<std::string> postgres_url_problem(std::string_view text) {
  if (!is_postgres_url(text)) return "it is not a PostgreSQL URL (postgresql://[user@]host[:port]/database)";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isspace(c) || std::iscntrl(c)) return "it holds a space or a control character";
  }
  const auto p = split(text);
  const auto at = p.authority.rfind('@');
  if (at != std::string_view::npos && p.authority.substr(0, at).find(':') != std::string_view::npos)
    return "it holds a password: remove it and give the password through PGPASSWORD, ~/.pgpass or a service "
           "file (libpq's own mechanisms; a URL is stored in run directories and shown by `ps`)";
  if (has_password_parameter(p.rest))
    return "it holds a password parameter: remove it and give the password through PGPASSWORD, ~/.pgpass or a "
           "service file";
  return std::nullopt;
}

std::string redact_postgres_url(std::string_view text) {
  if (!is_postgres_url(text)) return std::string(text);
  const auto p = split(text);
  std::string authority(p.authority);
  const auto at = authority.rfind('@');
  if (at != std::string::npos) {
    const auto colon = authority.find(':');
    if (colon < at) authority = authority.substr(0, colon) + authority.substr(at);
  }
  std::string rest(p.rest);
  const auto q = rest.find('?');
  if (q != std::string::npos) {
    std::string kept;
    std::string_view query = std::string_view(rest).substr(q + 1);
    while (!query.empty()) {
      const auto amp = query.find('&');
      const auto item = query.substr(0, amp);
      if (!(item.substr(0, 9) == "password=" || item == "password")) {
        if (!kept.empty()) kept += '&';
        kept += item;
      }
      if (amp == std::string_view::npos) break;
      query = query.substr(amp + 1);
    }
    rest = rest.substr(0, q) + (kept.empty() ? "" : "?" + kept);
  }
  return std::string(p.scheme) + authority + rest;
}

}  // namespace ftbench::util
