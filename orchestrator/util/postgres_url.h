#pragma once
// A PostgreSQL connection URL as a user writes it (postgresql://user@host:port/db?opts),
// checked without connecting. Credentials come only from libpq's own mechanisms (PGPASSWORD,
// ~/.pgpass, a service file): a URL that carries a password is refused, because configs are
// copied into every run directory and command lines show up in `ps` and shell histories.

#include <optional>
#include <string>
#include <string_view>

namespace ftbench::util {

// postgresql:// or postgres:// (libpq's two URI schemes).
bool is_postgres_url(std::string_view text);

// Why the URL cannot be used, in one sentence, or nullopt: a password in it (user:password@ or
// ?password=), an empty host part with nothing else, characters a URL cannot hold.
std::optional<std::string> postgres_url_problem(std::string_view text);

// The URL with any password removed (for messages, should one slip through).
std::string redact_postgres_url(std::string_view text);

}  // namespace ftbench::util
