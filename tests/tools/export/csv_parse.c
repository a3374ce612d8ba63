/* csv_parse.c - a strict RFC 4180 reader: the tests read the export back with it. */
#include "csv_parse.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *start, *p, *end;
    char *cell;
    size_t cell_len, cell_cap;
    csv_row row;
    csv_table *out;
    char *err;
    size_t err_len;
} csv_reader;

static void csv_die(const char *what)
{
    fprintf(stderr, "csv_parse: %s\n", what);
    abort();
}

static void csv_push_char(csv_reader *r, char c)
{
    if (r->cell_len + 1 >= r->cell_cap) {
        r->cell_cap = r->cell_cap ? r->cell_cap * 2 : 64;
        r->cell = realloc(r->cell, r->cell_cap);
        if (r->cell == NULL)
            csv_die("out of memory");
    }
    r->cell[r->cell_len++] = c;
    r->cell[r->cell_len] = '\0';
}

static void csv_end_cell(csv_reader *r)
{
    r->row.cells = realloc(r->row.cells, (r->row.count + 1) * sizeof *r->row.cells);
    char *copy = strdup(r->cell_len ? r->cell : "");
    if (r->row.cells == NULL || copy == NULL)
        csv_die("out of memory");
    r->row.cells[r->row.count++] = copy;
    r->cell_len = 0;
}

static void csv_end_row(csv_reader *r)
{
    csv_table *t = r->out;
    t->rows = realloc(t->rows, (t->count + 1) * sizeof *t->rows);
    if (t->rows == NULL)
        csv_die("out of memory");
    t->rows[t->count++] = r->row;
    r->row = (csv_row){0};
}

static bool csv_error(csv_reader *r, const char *what)
{
    snprintf(r->err, r->err_len, "%s at row %zu, byte %zu", what, r->out->count + 1,
             (size_t)(r->p - r->start));
    return false;
}

/* After a field: true with *row_done set when the record ended. */
static bool csv_after_field(csv_reader *r, bool *row_done)
{
    csv_end_cell(r);
    *row_done = true;
    if (r->p == r->end)
        return true;
    if (*r->p == ',') {
        r->p++;
        *row_done = false;
        return true;
    }
    if (*r->p == '\r' && r->p + 1 < r->end && r->p[1] == '\n')
        r->p++;
    if (*r->p != '\n')
        return csv_error(r, "unexpected character after a field");
    r->p++;
    return true;
}

static bool csv_quoted(csv_reader *r)
{
    r->p++;
    for (;;) {
        if (r->p == r->end)
            return csv_error(r, "unterminated quoted field");
        if (*r->p == '"') {
            if (r->p + 1 < r->end && r->p[1] == '"') {
                csv_push_char(r, '"');
                r->p += 2;
                continue;
            }
            r->p++;
            return true;
        }
        csv_push_char(r, *r->p++);
    }
}

static bool csv_plain(csv_reader *r)
{
    while (r->p < r->end && *r->p != ',' && *r->p != '\n' && *r->p != '\r') {
        if (*r->p == '"')
            return csv_error(r, "quote inside an unquoted field");
        csv_push_char(r, *r->p++);
    }
    if (r->p < r->end && *r->p == '\r' && !(r->p + 1 < r->end && r->p[1] == '\n'))
        return csv_error(r, "bare CR in an unquoted field");
    return true;
}

bool csv_parse(const char *text, size_t len, csv_table *out, char *err, size_t err_len)
{
    *out = (csv_table){0};
    csv_reader r = {.start = text, .p = text, .end = text + len, .out = out, .err = err, .err_len = err_len};
    bool ok = true;
    while (ok && r.p < r.end) {
        bool row_done = false;
        while (ok && !row_done) {
            ok = (r.p < r.end && *r.p == '"') ? csv_quoted(&r) : csv_plain(&r);
            ok = ok && csv_after_field(&r, &row_done);
        }
        if (ok)
            csv_end_row(&r);
    }
    free(r.cell);
    for (size_t i = 0; i < r.row.count; i++)
        free(r.row.cells[i]);
    free(r.row.cells);
    if (!ok)
        csv_free(out);
    return ok;
}

void csv_free(csv_table *t)
{
    for (size_t i = 0; i < t->count; i++) {
        for (size_t j = 0; j < t->rows[i].count; j++)
            free(t->rows[i].cells[j]);
        free(t->rows[i].cells);
    }
    free(t->rows);
    *t = (csv_table){0};
}

int csv_column(const csv_table *t, const char *name)
{
    if (t->count == 0)
        return -1;
    for (size_t j = 0; j < t->rows[0].count; j++) {
        if (strcmp(t->rows[0].cells[j], name) == 0)
            return (int)j;
    }
    return -1;
}
