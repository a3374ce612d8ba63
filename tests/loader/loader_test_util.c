#include <dirent.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>

#include "loader_test_util.h"

const char *tu_assets_dir(void)
{
    const char *env = getenv("QLQ_ASSETS_DIR");
    return (env != NULL && env[0] != '\0') ? env : QLQ_SOURCE_ASSETS_DIR;
}

char *tu_read_asset(const char *lang, size_t *len)
{
    char path[4096];
    snprintf(path, sizeof path, "%s/questionnaires/qlq-c30.%s.json", tu_assets_dir(), lang);
    FILE *f = fopen(path, "rb");
    if (f == NULL)
        fail_msg("cannot open %s", path);
    char *buf = malloc(1 << 20);
    assert_non_null(buf);
    size_t n = fread(buf, 1, (1 << 20) - 1, f);
    fclose(f);
    buf[n] = '\0';
    if (len != NULL)
        *len = n;
    return buf;
}

void tu_mkdtemp(char dir[64])
{
    strcpy(dir, "/tmp/qlq-loader-test-XXXXXX");
    assert_non_null(mkdtemp(dir));
}

void tu_write_file(const char *path, const void *data, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (f == NULL)
        fail_msg("cannot create %s", path);
    assert_int_equal(fwrite(data, 1, len, f), len);
    assert_int_equal(fclose(f), 0);
}

void tu_rmtree(const char *dir)
{
    DIR *d = opendir(dir);
    if (d != NULL) {
        struct dirent *e;
        while ((e = readdir(d)) != NULL) {
            if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
                continue;
            char path[4096];
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            struct stat st;
            if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode))
                tu_rmtree(path);
            else
                unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

int tu_is_zeroed(const qlq_questionnaire *q)
{
    const unsigned char *p = (const unsigned char *)q;
    for (size_t i = 0; i < sizeof *q; i++) {
        if (p[i] != 0)
            return 0;
    }
    return 1;
}

void tu_assert_has_at(const char *msg, const char *frag, const char *file, int line)
{
    if (strstr(msg, frag) == NULL) {
        print_error("%s:%d: message does not contain \"%s\":\n    %s\n", file, line, frag, msg);
        fail();
    }
}
