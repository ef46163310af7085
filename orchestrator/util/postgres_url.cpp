#include "util/postgres_url.h"

#include <libpq-fe.h>

#include <cctype>
#include <memory>

namespace ftbench::util {
namespace {

constexpr std::string_view kSchemes[] = {"postgresql://", "postgres://"};

constexpr const char* kUseLibpq =
    "give the password through PGPASSWORD, ~/.pgpass or a service file (libpq's own mechanisms; a URL is stored in "
    "run directories and shown by `ps`)";

struct OptionsDeleter {
  void operator()(PQconninfoOption* o) const { PQconninfoFree(o); }
};

bool mentions_a_secret(std::string_view text) {
  std::string lower(text);
  for (auto& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower.find("password") != std::string::npos || lower.find("%70assword") != std::string::npos;
}

}  // namespace

bool is_postgres_url(std::string_view text) {
  for (auto s : kSchemes)
    if (text.substr(0, s.size()) == s) return true;
  return false;
}

std::optional<std::string> postgres_url_problem(std::string_view text) {
  if (!is_postgres_url(text)) return "it is not a PostgreSQL URL (postgresql://[user@]host[:port]/database)";
  for (const char ch : text) {
    const auto c = static_cast<unsigned char>(ch);
    if (std::isspace(c) || std::iscntrl(c)) return "it holds a space or a control character";
  }
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, OptionsDeleter> options(PQconninfoParse(std::string(text).c_str(), &error));
  if (!options) {
    std::string why = error ? error : "out of memory";
    PQfreemem(error);
    while (!why.empty() && (why.back() == '\n' || why.back() == ' ')) why.pop_back();
    // libpq quotes the token it could not read: never one that may be a password.
    if (mentions_a_secret(text) || why.find('"') != std::string::npos)
      return "libpq cannot read it (check the scheme, the host, the port and the ?key=value options)";
    return "libpq cannot read it: " + why;
  }
  for (const auto* o = options.get(); o->keyword; ++o) {
    const std::string_view key = o->keyword;
    if ((key == "password" || key == "sslpassword") && o->val && *o->val)
      return std::string(key == "password" ? "it holds a password" : "it holds a client key's passphrase") +
             ": remove it and " + kUseLibpq;
  }
  return std::nullopt;
}

}  // namespace ftbench::util
