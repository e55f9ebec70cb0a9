#include <sqlite3.h>

/// sqlite3_db_config with an int option (the C function is variadic, which Swift cannot call).
static inline int workbench_sqlite3_db_config_int(sqlite3 *db, int op, int value, int *result) {
  return sqlite3_db_config(db, op, value, result);
}
