#include "util/postgres_url.h"

#include <gtest/gtest.h>

using namespace ftbench::util;

TEST(PostgresUrl, AcceptsLibpqUrlsWithoutAPassword) {
  for (const char* url : {"postgresql://db/fleet", "postgres://ftbench@db.example.org:5432/fleet",
                          "postgresql:///?service=ftbench", "postgresql://u@[::1]:5432/f?sslmode=require&connect_timeout=5",
                          "postgresql://u@h/f?options=-csearch_path%3Dftbench"}) {
    EXPECT_TRUE(is_postgres_url(url)) << url;
    EXPECT_EQ(postgres_url_problem(url), std::nullopt) << url;
    EXPECT_EQ(redact_postgres_url(url), url);
  }
}

TEST(PostgresUrl, RefusesPasswordsAndRedactsThem) {
  for (const char* url : {"postgresql://u:s3cret@h/f", "postgresql://u:s3cret@h:5432/f?sslmode=require",
                          "postgresql://u@h/f?password=s3cret", "postgresql://u@h/f?sslmode=require&password=s3cret"}) {
    const auto problem = postgres_url_problem(url);
    ASSERT_TRUE(problem) << url;
    EXPECT_NE(problem->find("PGPASSWORD"), std::string::npos);
    EXPECT_EQ(redact_postgres_url(url).find("s3cret"), std::string::npos) << redact_postgres_url(url);
  }
  EXPECT_EQ(redact_postgres_url("postgresql://u:s3cret@h:5432/f"), "postgresql://u@h:5432/f");
  EXPECT_EQ(redact_postgres_url("postgresql://u@h/f?a=1&password=x&b=2"), "postgresql://u@h/f?a=1&b=2");
}

TEST(PostgresUrl, RefusesOtherSchemesAndBlanks) {
  EXPECT_FALSE(is_postgres_url("postgresq://h/f"));
  EXPECT_TRUE(postgres_url_problem("postgresq://h/f"));
  EXPECT_TRUE(postgres_url_problem("history.sqlite"));
  EXPECT_TRUE(postgres_url_problem("postgresql://h/f g"));
  EXPECT_TRUE(postgres_url_problem("postgresql://h/f\n"));
}
