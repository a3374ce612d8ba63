/*
 * export_manifest.c - MANIFEST.sha256: one "<hex>  <relative path>" line per file, the format of
 * `sha256sum`, so staff can check a copied export with `sha256sum -c MANIFEST.sha256` inside it.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "export.h"

static const char EXP_MANIFEST_NAME[] = "MANIFEST.sha256";

bool exp_manifest_add(exp_manifest *m, const char *rel, const char *hex, exp_error *e)
{
    if (m->count == m->cap) {
        size_t cap = m->cap ? m->cap * 2 : 64;
        exp_manifest_entry *grown = realloc(m->entries, cap * sizeof *grown);
        if (grown == NULL) {
            exp_fail(e, "out of memory");
            return false;
        }
        m->entries = grown;
        m->cap = cap;
    }
    exp_manifest_entry *entry = &m->entries[m->count++];
    snprintf(entry->rel, sizeof entry->rel, "%s", rel);
    snprintf(entry->hex, sizeof entry->hex, "%s", hex);
    return true;
}

void exp_manifest_free(exp_manifest *m)
{
    free(m->entries);
    memset(m, 0, sizeof *m);
}

static int exp_manifest_cmp(const void *a, const void *b)
{
    return strcmp(((const exp_manifest_entry *)a)->rel, ((const exp_manifest_entry *)b)->rel);
}

/* Sorted by path, so two exports of the same data have identical manifests. */
bool exp_manifest_write(exp_manifest *m, int dirfd, exp_error *e)
{
    if (m->count > 1)
        qsort(m->entries, m->count, sizeof *m->entries, exp_manifest_cmp);
    exp_file *f = exp_file_create(dirfd, EXP_MANIFEST_NAME, e);
    if (f == NULL)
        return false;
    char line[EXP_HEX_LEN + EXP_REL_LEN + 4];
    for (size_t i = 0; i < m->count; i++) {
        /* Our names never need sha256sum's backslash escaping: exp_id_valid() keeps them plain. */
        snprintf(line, sizeof line, "%s  %s\n", m->entries[i].hex, m->entries[i].rel);
        if (!exp_file_puts(f, line, e)) {
            exp_file_discard(f);
            return false;
        }
    }
    return exp_file_finish(f, NULL, e);
}
