/* export_harness.h - running qlq-export as a child process and inspecting what it left behind. */
#ifndef QLQ_TEST_EXPORT_HARNESS_H
#define QLQ_TEST_EXPORT_HARNESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/resource.h>

enum { HX_PATH = 4096, HX_SKIP_STATUS = 77 };

typedef struct {
    rlim_t fsize_limit;  /* 0: none. Else RLIMIT_FSIZE of the child, with SIGXFSZ ignored (EFBIG) */
    bool drop_dac;       /* as root: drop CAP_DAC_OVERRIDE so folder permissions apply */
    const char *preload; /* a shared library for LD_PRELOAD, or NULL */
    const char *env[4];  /* "NAME=value" set in the child; NULL-terminated */
} hx_run_options;

typedef struct {
    int status;          /* exit status, or 128 + signal */
    char *out, *err;     /* what the child printed (NUL-terminated) */
} hx_result;

/* Runs `argv` (argv[0] is the program's path) and waits for it. */
void hx_run(char *const argv[], const hx_run_options *opt, hx_result *res);
/* Runs qlq-export --db db --out out. */
void hx_export(const char *db, const char *out, const hx_run_options *opt, hx_result *res);
void hx_result_free(hx_result *res);

/* A fresh folder under the system temp folder; hx_rmtree removes it with its contents. */
void hx_tempdir(char out[HX_PATH]);
void hx_rmtree(const char *path);
void hx_join(char out[HX_PATH], const char *a, const char *b);

/* The whole file, NUL-terminated; NULL when it cannot be read. */
char *hx_read(const char *path, size_t *len);
void hx_write(const char *path, const char *text);
bool hx_exists(const char *path);
/* SHA-256 of the file in lower-case hex (65 bytes with the NUL); false when unreadable. */
bool hx_sha256_file(const char *path, char hex[65]);
/* Names in `dir` (without . and ..), sorted, NULL-terminated; free with hx_free_names. */
char **hx_list(const char *dir, size_t *count);
void hx_free_names(char **names);

#endif
