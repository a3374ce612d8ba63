/*
 * test_oom.c - fails the 1st, 2nd, ... allocation of loading the real French file until loading
 * succeeds. Each failure must come back as an error, leave the questionnaire zeroed and leave no
 * block allocated. malloc and free are wrapped at link time (see CMakeLists.txt); cJSON, a shared
 * library, gets the same functions through cJSON_InitHooks.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "loader_test_util.h"

void *__real_malloc(size_t size);
void __real_free(void *p);
void *__wrap_malloc(size_t size);
void __wrap_free(void *p);

static long calls;        /* allocations since the counter was reset */
static long fail_at = -1; /* index of the allocation to refuse; -1: none */
static long live;         /* blocks handed out and not yet freed */
static bool failed_in_cjson;
static bool in_cjson;

void *__wrap_malloc(size_t size)
{
    if (calls++ == fail_at) {
        failed_in_cjson = in_cjson;
        return NULL;
    }
    void *p = __real_malloc(size);
    if (p != NULL)
        live++;
    return p;
}

void __wrap_free(void *p)
{
    if (p != NULL) {
        live--;
        __real_free(p);
    }
}

static void *cjson_malloc(size_t size)
{
    in_cjson = true;
    void *p = __wrap_malloc(size);
    in_cjson = false;
    return p;
}

static void every_allocation_failure_is_clean(void **state)
{
    (void)state;
    char path[4096];
    snprintf(path, sizeof path, "%s/questionnaires/qlq-c30.fr.json", tu_assets_dir());
    cJSON_Hooks hooks = { .malloc_fn = cjson_malloc, .free_fn = __wrap_free };
    cJSON_InitHooks(&hooks);
    long n, ours = 0;
    for (n = 0;; n++) {
        qlq_questionnaire q;
        qlq_load_error err;
        memset(&q, 0x22, sizeof q);
        long before = live;
        calls = 0;
        fail_at = n;
        failed_in_cjson = false;
        int rc = qlq_loader_load_file(path, &q, &err);
        fail_at = -1;
        if (rc == 0) {
            /* Success is only right once no allocation was refused. */
            if (calls > n)
                fail_msg("allocation %ld failed but loading succeeded", n);
            qlq_questionnaire_free(&q);
            assert_int_equal(live, before);
            break;
        }
        assert_true(tu_is_zeroed(&q));
        if (live != before)
            fail_msg("allocation %ld failed: %ld block(s) left allocated", n, live - before);
        assert_true(strncmp(err.message, path, strlen(path)) == 0);
        /* cJSON cannot tell a failed allocation from a syntax error; the loader's own can. */
        if (!failed_in_cjson) {
            tu_assert_has(err.message, "out of memory");
            ours++;
        }
    }
    cJSON_InitHooks(NULL);
    print_message("    %ld allocation failures, %ld of them in the loader itself, all clean\n", n, ours);
    assert_true(n > 100);
    assert_true(ours > 50);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(every_allocation_failure_is_clean),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
