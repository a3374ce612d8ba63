/*
 * faultvfs.c - a pass-through VFS over the default one whose xWrite/xSync/xTruncate can be made
 * to fail, transiently or persistently, after a countdown. Everything else is delegated as is.
 */
#include <sqlite3.h>
#include <string.h>

#include "faultvfs.h"

typedef struct {
    sqlite3_file base;
    sqlite3_file *real; /* the wrapped file, allocated right after this struct */
} fv_file;

static struct {
    bool armed;
    bool persistent;
    int countdown;
    int err;
    long calls;
    long failed;
} fv;

static sqlite3_vfs *fv_root;

/* Returns the error to inject for this call, or SQLITE_OK to let it through. */
static int fv_tick(void)
{
    fv.calls++;
    if (!fv.armed)
        return SQLITE_OK;
    if (fv.countdown > 0) {
        fv.countdown--;
        return SQLITE_OK;
    }
    if (!fv.persistent)
        fv.armed = false;
    fv.failed++;
    return fv.err;
}

#define REAL(f) (((fv_file *)(f))->real)

static int fv_close(sqlite3_file *f)
{
    int rc = REAL(f)->pMethods ? REAL(f)->pMethods->xClose(REAL(f)) : SQLITE_OK;
    f->pMethods = NULL;
    return rc;
}

static int fv_read(sqlite3_file *f, void *buf, int amt, sqlite3_int64 off)
{
    return REAL(f)->pMethods->xRead(REAL(f), buf, amt, off);
}

static int fv_write(sqlite3_file *f, const void *buf, int amt, sqlite3_int64 off)
{
    int rc = fv_tick();
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xWrite(REAL(f), buf, amt, off);
}

static int fv_truncate(sqlite3_file *f, sqlite3_int64 size)
{
    int rc = fv_tick();
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xTruncate(REAL(f), size);
}

static int fv_sync(sqlite3_file *f, int flags)
{
    int rc = fv_tick();
    return rc != SQLITE_OK ? rc : REAL(f)->pMethods->xSync(REAL(f), flags);
}

static int fv_file_size(sqlite3_file *f, sqlite3_int64 *size)
{
    return REAL(f)->pMethods->xFileSize(REAL(f), size);
}

static int fv_lock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xLock(REAL(f), lock);
}

static int fv_unlock(sqlite3_file *f, int lock)
{
    return REAL(f)->pMethods->xUnlock(REAL(f), lock);
}

static int fv_check_reserved(sqlite3_file *f, int *out)
{
    return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}

static int fv_file_control(sqlite3_file *f, int op, void *arg)
{
    return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}

static int fv_sector_size(sqlite3_file *f)
{
    return REAL(f)->pMethods->xSectorSize(REAL(f));
}

static int fv_device_caps(sqlite3_file *f)
{
    return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}

/* Shared memory is the WAL index, mapped and not written through xWrite: passed through. */
static int fv_shm_map(sqlite3_file *f, int pg, int pgsz, int extend, void volatile **pp)
{
    return REAL(f)->pMethods->xShmMap(REAL(f), pg, pgsz, extend, pp);
}

static int fv_shm_lock(sqlite3_file *f, int off, int n, int flags)
{
    return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}

static void fv_shm_barrier(sqlite3_file *f)
{
    REAL(f)->pMethods->xShmBarrier(REAL(f));
}

static int fv_shm_unmap(sqlite3_file *f, int del)
{
    return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}

/* Memory-mapped reads would bypass nothing we fail, but we keep every read on xRead. */
static int fv_fetch(sqlite3_file *f, sqlite3_int64 off, int amt, void **pp)
{
    (void)f, (void)off, (void)amt;
    *pp = NULL;
    return SQLITE_OK;
}

static int fv_unfetch(sqlite3_file *f, sqlite3_int64 off, void *p)
{
    (void)f, (void)off, (void)p;
    return SQLITE_OK;
}

static const sqlite3_io_methods fv_io = {
    .iVersion = 3,
    .xClose = fv_close,
    .xRead = fv_read,
    .xWrite = fv_write,
    .xTruncate = fv_truncate,
    .xSync = fv_sync,
    .xFileSize = fv_file_size,
    .xLock = fv_lock,
    .xUnlock = fv_unlock,
    .xCheckReservedLock = fv_check_reserved,
    .xFileControl = fv_file_control,
    .xSectorSize = fv_sector_size,
    .xDeviceCharacteristics = fv_device_caps,
    .xShmMap = fv_shm_map,
    .xShmLock = fv_shm_lock,
    .xShmBarrier = fv_shm_barrier,
    .xShmUnmap = fv_shm_unmap,
    .xFetch = fv_fetch,
    .xUnfetch = fv_unfetch,
};

static int fv_open(sqlite3_vfs *vfs, sqlite3_filename name, sqlite3_file *f, int flags, int *out_flags)
{
    (void)vfs;
    fv_file *p = (fv_file *)f;
    p->base.pMethods = NULL;
    p->real = (sqlite3_file *)(p + 1);
    memset(p->real, 0, (size_t)fv_root->szOsFile);
    int rc = fv_root->xOpen(fv_root, name, p->real, flags, out_flags);
    /* SQLite calls xClose whenever pMethods is set, even after a failed open. */
    if (p->real->pMethods)
        p->base.pMethods = &fv_io;
    return rc;
}

static int fv_delete(sqlite3_vfs *vfs, const char *name, int sync_dir)
{
    (void)vfs;
    return fv_root->xDelete(fv_root, name, sync_dir);
}

static int fv_access(sqlite3_vfs *vfs, const char *name, int flags, int *out)
{
    (void)vfs;
    return fv_root->xAccess(fv_root, name, flags, out);
}

static int fv_full_pathname(sqlite3_vfs *vfs, const char *name, int n, char *out)
{
    (void)vfs;
    return fv_root->xFullPathname(fv_root, name, n, out);
}

static int fv_randomness(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return fv_root->xRandomness(fv_root, n, out);
}

static int fv_sleep(sqlite3_vfs *vfs, int us)
{
    (void)vfs;
    return fv_root->xSleep(fv_root, us);
}

static int fv_current_time(sqlite3_vfs *vfs, double *out)
{
    (void)vfs;
    return fv_root->xCurrentTime(fv_root, out);
}

static int fv_last_error(sqlite3_vfs *vfs, int n, char *out)
{
    (void)vfs;
    return fv_root->xGetLastError ? fv_root->xGetLastError(fv_root, n, out) : 0;
}

static int fv_current_time_int64(sqlite3_vfs *vfs, sqlite3_int64 *out)
{
    (void)vfs;
    return fv_root->xCurrentTimeInt64(fv_root, out);
}

static sqlite3_vfs fv_vfs = {
    .iVersion = 2,
    .mxPathname = 0, /* set from the wrapped VFS at registration */
    .zName = FAULTVFS_NAME,
    .xOpen = fv_open,
    .xDelete = fv_delete,
    .xAccess = fv_access,
    .xFullPathname = fv_full_pathname,
    .xRandomness = fv_randomness,
    .xSleep = fv_sleep,
    .xCurrentTime = fv_current_time,
    .xGetLastError = fv_last_error,
    .xCurrentTimeInt64 = fv_current_time_int64,
};

int faultvfs_register(void)
{
    if (fv_root)
        return SQLITE_OK;
    int rc = sqlite3_initialize();
    if (rc != SQLITE_OK)
        return rc;
    sqlite3_vfs *root = sqlite3_vfs_find(NULL);
    if (!root || root->iVersion < 2)
        return SQLITE_ERROR;
    fv_vfs.szOsFile = (int)sizeof(fv_file) + root->szOsFile;
    fv_vfs.mxPathname = root->mxPathname;
    fv_root = root;
    rc = sqlite3_vfs_register(&fv_vfs, 0);
    if (rc != SQLITE_OK)
        fv_root = NULL;
    return rc;
}

void faultvfs_fail_writes_after(int n, int sqlite_err, bool persistent)
{
    fv.armed = true;
    fv.countdown = n < 0 ? 0 : n;
    fv.err = sqlite_err;
    fv.persistent = persistent;
}

void faultvfs_clear(void)
{
    memset(&fv, 0, sizeof fv);
}

long faultvfs_write_calls(void)
{
    return fv.calls;
}

long faultvfs_failed_calls(void)
{
    return fv.failed;
}
