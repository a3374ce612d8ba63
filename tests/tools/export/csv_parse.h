/* csv_parse.h - a strict RFC 4180 reader for the export tests (independent of the writer). */
#ifndef QLQ_TEST_CSV_PARSE_H
#define QLQ_TEST_CSV_PARSE_H

#include <stdbool.h>
#include <stddef.h>

typedef struct {
    char **cells;
    size_t count;
} csv_row;

typedef struct {
    csv_row *rows;
    size_t count;
} csv_table;

/* Parses `len` bytes. Records end with LF or CRLF (the last one may lack it); a quoted field may
 * hold commas, quotes (doubled) and line breaks. A stray quote in an unquoted field, text after a
 * closing quote or an unterminated quote is an error (false, with `err` saying where). */
bool csv_parse(const char *text, size_t len, csv_table *out, char *err, size_t err_len);
void csv_free(csv_table *t);
/* The index of column `name` in row 0, or -1. */
int csv_column(const csv_table *t, const char *name);

#endif
