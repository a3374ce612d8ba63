/* Reading the kiosk's database in tests: one integer from one query, failing the test otherwise. */
#ifndef DB_QUERY_H
#define DB_QUERY_H

#include <sqlite3.h>
#include <stdint.h>

int64_t db_query_int(sqlite3 *db, const char *sql);

#endif
