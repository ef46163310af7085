#pragma once
// A PostgreSQL connection URL as a user writes it (postgresql://user@host:port/db?opts),
// checked without connecting, by libpq's own parser. Credentials come only from libpq's own
// mechanisms (PGPASSWORD, ~/.pgpass, a service file): a URL that carries a password is
// refused, because configs are copied into every run directory and command lines show up in
// `ps` and shell histories. A URL with a problem is never echoed back (it may hold a secret).

#include <optional>
#include <string>
#include <string_view>

namespace ftbench::util {

// postgresql:// or postgres:// (libpq's two URI schemes).
bool is_postgres_url(std::string_view text);

// Why the URL cannot be used, in one sentence that does not repeat it, or nullopt: another
// scheme, a space or control character, what libpq cannot parse, a password or a client-key
// passphrase in it (user:password@, ?password=, ?sslpassword=, percent-encoded or not).
std::optional<std::string> postgres_url_problem(std::string_view text);

}  // namespace ftbench::util
