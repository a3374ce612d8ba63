/*
 * test_text.c - errors in the raw bytes: bad UTF-8 (with its byte offset, line and column), control
 * characters, "\u0000", JSON syntax (line and column), empty and oversized input, bad arguments,
 * and how long names and values are cut in messages.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>
#include <cmocka.h>

#include "loader_test_util.h"

#define MiB (1024 * 1024)

static const char *parse_fails(const char *name, const char *json, size_t len)
{
    static qlq_load_error err;
    qlq_questionnaire q;
    memset(&q, 0x5A, sizeof q);
    int rc = qlq_loader_parse(name, json, len, &q, &err);
    if (rc == 0) {
        qlq_questionnaire_free(&q);
        fail_msg("loaded without error");
    }
    assert_int_equal(rc, -1);
    assert_true(tu_is_zeroed(&q));
    tu_assert_has(err.message, name);
    return err.message;
}

#define FAILS(lit) parse_fails("t.json", (lit), sizeof(lit) - 1)

static void bad_utf8_gives_offset_line_and_column(void **state)
{
    (void)state;
    /* byte 18 is the bad lead byte: line 2 starts at byte 2, so it is column 17 */
    const char *m = FAILS("{\n  \"language\": \"f\xC0\xAFr\"\n}");
    tu_assert_has(m, "invalid UTF-8");
    tu_assert_has(m, "byte offset 18");
    tu_assert_has(m, "line 2, column 17");
    m = FAILS("{\n  \"language\": \"f\xED\xA0\x80r\"\n}"); /* surrogate */
    tu_assert_has(m, "invalid UTF-8");
    tu_assert_has(m, "byte offset 18");
    m = FAILS("{\n  \"language\": \"f\xF4\x90\x80\x80r\"\n}"); /* above U+10FFFF */
    tu_assert_has(m, "byte offset 18");
    m = FAILS("{\"a\": \"\xE2\x82"); /* truncated at the end of the input */
    tu_assert_has(m, "invalid UTF-8");
    tu_assert_has(m, "byte offset 7");
    m = FAILS("{\"\x80\": 1}"); /* stray continuation byte in a key */
    tu_assert_has(m, "byte offset 2");
    m = FAILS("{\"a\": 1} \xFF"); /* outside any string */
    tu_assert_has(m, "byte offset 9");
}

static void columns_count_characters(void **state)
{
    (void)state;
    /* "é" is two bytes: the bad byte is at offset 8 but is the 8th character. */
    const char *m = FAILS("{\"\xC3\xA9\": \"\xFF\"}");
    tu_assert_has(m, "line 1, column 8");
    tu_assert_has(m, "byte offset 8");
}

static void control_characters(void **state)
{
    (void)state;
    const char *m = FAILS("{\"a\": \"x\ty\"}");
    tu_assert_has(m, "control character inside a string");
    tu_assert_has(m, "line 1, column 9");
    m = FAILS("{\"a\": \"x\ny\"}");
    tu_assert_has(m, "control character inside a string");
    m = FAILS("{\x01}");
    tu_assert_has(m, "control character at line 1, column 2");
    m = parse_fails("t.json", "{\"a\": 1}\0", 9); /* a NUL byte in the input */
    tu_assert_has(m, "control character");
    tu_assert_has(m, "byte offset 8");
}

static void nul_escape_is_refused(void **state)
{
    (void)state;
    const char *m = FAILS("{\n\"title\": \"abc\\u0000def\"}");
    tu_assert_has(m, "\\u0000");
    tu_assert_has(m, "line 2, column 14");
}

static void json_syntax_errors_give_line_and_column(void **state)
{
    (void)state;
    const char *m = FAILS("{\n  \"a\": 1\n  \"b\": 2\n}"); /* missing comma */
    tu_assert_has(m, "JSON syntax error");
    tu_assert_has(m, "line 3, column 3");
    m = FAILS("{}\n\nxyz"); /* trailing garbage */
    tu_assert_has(m, "JSON syntax error");
    tu_assert_has(m, "line 3, column 1");
    m = FAILS("{\n  \"a\": [1, 2");
    tu_assert_has(m, "end of file");
    m = FAILS("{\"a\": tru}");
    tu_assert_has(m, "line 1, column 7");
}

static void empty_input(void **state)
{
    (void)state;
    tu_assert_has(FAILS(""), "empty");
    tu_assert_has(FAILS(" \n\t\r\n"), "empty");
}

static void top_level_must_be_an_object(void **state)
{
    (void)state;
    tu_assert_has(FAILS("[1, 2]"), "top level must be an object, got an array");
    tu_assert_has(FAILS("\"fr\""), "top level must be an object, got \"fr\"");
    tu_assert_has(FAILS("42"), "got 42");
}

static void size_cap(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_asset("fr", &len);
    char *big = malloc(MiB + 1);
    assert_non_null(big);
    /* Exactly at the cap: a real file padded with spaces loads. */
    memcpy(big, text, len);
    memset(big + len, ' ', MiB - len);
    qlq_questionnaire q;
    qlq_load_error err;
    if (qlq_loader_parse("padded.json", big, MiB, &q, &err) != 0)
        fail_msg("%s", err.message);
    qlq_questionnaire_free(&q);
    /* One byte more is refused before any parsing. */
    big[MiB] = ' ';
    const char *m = parse_fails("padded.json", big, MiB + 1);
    tu_assert_has(m, "too large");
    free(big);
    free(text);
}

/* cJSON's printer indents with tabs (legal between tokens) and writes the escapes below: the scan
 * must follow string boundaries through them. */
static void escapes_and_whitespace_are_followed(void **state)
{
    (void)state;
    char *text = tu_read_asset("fr", NULL);
    cJSON *doc = cJSON_Parse(text);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "title", cJSON_CreateString("ends in a backslash \\"));
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "comment", cJSON_CreateString("\\u0000 is text here, \"quoted\""));
    char *printed = cJSON_Print(doc);
    qlq_questionnaire q;
    qlq_load_error err;
    if (qlq_loader_parse("escapes.json", printed, strlen(printed), &q, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(q.title, "ends in a backslash \\");
    qlq_questionnaire_free(&q);
    cJSON_free(printed);
    cJSON_Delete(doc);
    /* CRLF line ends are whitespace too. */
    size_t len = strlen(text);
    char *crlf = malloc(2 * len + 4);
    size_t n = 0;
    for (size_t i = 0; i < len; i++) {
        if (text[i] == '\n')
            crlf[n++] = '\r';
        crlf[n++] = text[i];
    }
    if (qlq_loader_parse("crlf.json", crlf, n, &q, &err) != 0)
        fail_msg("%s", err.message);
    qlq_questionnaire_free(&q);
    /* and so is a UTF-8 byte-order mark, which some Windows editors add */
    memmove(crlf + 3, crlf, n);
    memcpy(crlf, "\xEF\xBB\xBF", 3);
    if (qlq_loader_parse("bom.json", crlf, n + 3, &q, &err) != 0)
        fail_msg("%s", err.message);
    qlq_questionnaire_free(&q);
    free(crlf);
    free(text);
}

static void bad_arguments(void **state)
{
    (void)state;
    qlq_questionnaire q;
    qlq_load_error err;
    memset(&q, 0x11, sizeof q);
    assert_int_equal(qlq_loader_parse("x.json", NULL, 10, &q, &err), -1);
    assert_true(tu_is_zeroed(&q));
    tu_assert_has(err.message, "x.json");
    assert_int_equal(qlq_loader_parse("x.json", "{}", 2, NULL, &err), -1);
    assert_int_equal(qlq_loader_parse("x.json", "{}", 2, &q, NULL), -1); /* no error buffer: no crash */
    assert_true(tu_is_zeroed(&q));
    assert_int_equal(qlq_loader_parse(NULL, "[]", 2, &q, &err), -1);
    tu_assert_has(err.message, "(unnamed)");
}

static void long_names_and_values_are_cut(void **state)
{
    (void)state;
    char name[400];
    memset(name, 'd', sizeof name);
    memcpy(name, "/very/", 6);
    strcpy(name + sizeof name - 17, "/qlq-c30.fr.json");
    char value[301];
    memset(value, 'x', 300);
    value[300] = '\0';
    char *text = tu_read_asset("fr", NULL);
    cJSON *doc = cJSON_Parse(text);
    cJSON_ReplaceItemInObjectCaseSensitive(doc, "language", cJSON_CreateString(value));
    char *json = cJSON_Print(doc);
    cJSON_Delete(doc);
    free(text);
    qlq_questionnaire q;
    qlq_load_error err;
    assert_int_equal(qlq_loader_parse(name, json, strlen(json), &q, &err), -1);
    cJSON_free(json);
    assert_true(strncmp(err.message, "...", 3) == 0); /* the tail of the path is kept */
    tu_assert_has(err.message, "dd/qlq-c30.fr.json: ");
    tu_assert_has(err.message, "field \"language\"");
    tu_assert_has(err.message, "xxx...\""); /* the value is cut, and says so */
    /* nothing of the message itself was lost to the long parts */
    const char *tail = "(known: fr, en)";
    assert_string_equal(err.message + strlen(err.message) - strlen(tail), tail);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(bad_utf8_gives_offset_line_and_column),
        cmocka_unit_test(columns_count_characters),
        cmocka_unit_test(control_characters),
        cmocka_unit_test(nul_escape_is_refused),
        cmocka_unit_test(json_syntax_errors_give_line_and_column),
        cmocka_unit_test(empty_input),
        cmocka_unit_test(top_level_must_be_an_object),
        cmocka_unit_test(size_cap),
        cmocka_unit_test(escapes_and_whitespace_are_followed),
        cmocka_unit_test(bad_arguments),
        cmocka_unit_test(long_names_and_values_are_cut),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
