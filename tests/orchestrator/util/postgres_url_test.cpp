#include "util/postgres_url.h"

#include <gtest/gtest.h>

using namespace ftbench::util;

TEST(PostgresUrl, AcceptsLibpqUrlsWithoutAPassword) {
  for (const char* url : {"postgresql://db/fleet", "postgres://ftbench@db.example.org:5432/fleet",
                          "postgresql:///?service=ftbench", "postgresql://u@[::1]:5432/f?sslmode=require&connect_timeout=5",
                          "postgresql://u@h/f?options=-csearch_path%3Dftbench"}) {
    EXPECT_TRUE(is_postgres_url(url)) << url;
    EXPECT_EQ(postgres_url_problem(url), std::nullopt) << url;
  }
}

// However libpq would read the secret, the URL is refused, and the reason never repeats it.
TEST(PostgresUrl, RefusesPasswordsAndPassphrasesWithoutEchoingThem) {
  for (const char* url : {"postgresql://u:s3cret@h/f", "postgresql://u:s3cret@h:5432/f?sslmode=require",
                          "postgresql://u@h/f?password=s3cret", "postgresql://u@h/f?sslmode=require&password=s3cret",
                          "postgresql://u@h/f?%70assword=s3cret", "postgresql://u@h/f?sslpassword=s3cret",
                          "postgresql://u:s3cret@h/f?bogus=1"}) {
    const auto problem = postgres_url_problem(url);
    ASSERT_TRUE(problem) << url;
    EXPECT_EQ(problem->find("s3cret"), std::string::npos) << *problem;
  }
  EXPECT_NE(postgres_url_problem("postgresql://u:s3cret@h/f")->find("PGPASSWORD"), std::string::npos);
  EXPECT_NE(postgres_url_problem("postgresql://u@h/f?sslpassword=x")->find("passphrase"), std::string::npos);
}

TEST(PostgresUrl, RefusesOtherSchemesBlanksAndWhatLibpqCannotRead) {
  EXPECT_FALSE(is_postgres_url("postgresq://h/f"));
  EXPECT_TRUE(postgres_url_problem("postgresq://h/f"));
  EXPECT_TRUE(postgres_url_problem("history.sqlite"));
  EXPECT_TRUE(postgres_url_problem("postgresql://h/f g"));
  EXPECT_TRUE(postgres_url_problem("postgresql://h/f\n"));
  const auto unknown = postgres_url_problem("postgresql://h/f?colour=blue");
  ASSERT_TRUE(unknown);
  EXPECT_NE(unknown->find("libpq cannot read it"), std::string::npos) << *unknown;
}
