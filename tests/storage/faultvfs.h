/*
 * faultvfs.h - an SQLite VFS shim for tests that makes writes fail on demand (after SQLite's
 * src/test_vfs.c). It wraps the default VFS under the name "faultvfs"; open a database with
 * store_options.vfs_name = FAULTVFS_NAME (or sqlite3_open_v2(..., FAULTVFS_NAME)).
 *
 * Only xWrite, xSync and xTruncate are counted and failed: the calls that make data durable.
 * Not thread-safe: one test thread drives it.
 */
#ifndef QLQ_FAULTVFS_H
#define QLQ_FAULTVFS_H

#include <stdbool.h>

#define FAULTVFS_NAME "faultvfs"

/* Registers the shim (not as the default VFS). Idempotent. Returns SQLITE_OK or an SQLite error. */
int faultvfs_register(void);

/* After `n` more successful xWrite/xSync/xTruncate calls, the next ones return `sqlite_err`
 * (e.g. SQLITE_FULL, SQLITE_IOERR_WRITE) without touching the file: every one of them while
 * `persistent`, or only the first one otherwise. Replaces any earlier setting. */
void faultvfs_fail_writes_after(int n, int sqlite_err, bool persistent);

/* Stops failing and resets both counters. */
void faultvfs_clear(void);

/* xWrite/xSync/xTruncate calls seen since registration or the last faultvfs_clear(), failed ones included. */
long faultvfs_write_calls(void);

/* Calls that were made to fail since registration or the last faultvfs_clear(). */
long faultvfs_failed_calls(void);

#endif
