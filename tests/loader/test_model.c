/*
 * test_model.c - the core's questionnaire-model functions: message keys, qlq_message, freeing, the
 * UTF-8 validator (named cases, then every 1-3 byte string against an independent decoder) and the
 * v3.0 item scales.
 */
#include <limits.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "qlq_core.h"

/* The keys as the header's comment defines them: the enum name without QLQ_MSG_, in lower case. */
static const char *const expected_keys[QLQ_MSG_COUNT] = {
    "welcome",      "consent",        "initials",        "birth_date",    "mode",         "mode_continuous",
    "mode_manual",  "audio",          "yes",             "no",            "back",         "skip",
    "repeat",       "check_ok",       "review",          "review_missing", "review_complete", "submit",
    "thanks",       "declined",       "saved",           "save_failed",   "idle_warning", "timed_out",
    "resumed",      "err_yes_no",     "err_initials",    "err_date_format", "err_date_future", "err_mode",
    "err_answer",   "err_review",     "err_not_now",     "not_understood", "touch_instead", "you_answered",
    "confirm",      "check_noisy",    "check_failed",    "scale7_hint",   "answer_with",
};

static void msg_keys_match_enum_names(void **state)
{
    (void)state;
    assert_string_equal(qlq_msg_key(QLQ_MSG_WELCOME), "welcome");
    assert_string_equal(qlq_msg_key(QLQ_MSG_ERR_NOT_NOW), "err_not_now");
    for (int m = 0; m < QLQ_MSG_COUNT; m++) {
        assert_non_null(qlq_msg_key((qlq_msg)m));
        assert_string_equal(qlq_msg_key((qlq_msg)m), expected_keys[m]);
        assert_int_equal(qlq_msg_from_key(expected_keys[m]), m);
    }
}

static void msg_key_rejects_unknown(void **state)
{
    (void)state;
    assert_null(qlq_msg_key(QLQ_MSG_COUNT));
    assert_null(qlq_msg_key((qlq_msg)-1));
    assert_int_equal(qlq_msg_from_key(NULL), -1);
    assert_int_equal(qlq_msg_from_key(""), -1);
    assert_int_equal(qlq_msg_from_key("WELCOME"), -1);
    assert_int_equal(qlq_msg_from_key("welcome "), -1);
    assert_int_equal(qlq_msg_from_key("welcom"), -1);
    assert_int_equal(qlq_msg_from_key("QLQ_MSG_WELCOME"), -1);
}

static void message_never_null(void **state)
{
    (void)state;
    qlq_questionnaire q;
    memset(&q, 0, sizeof q);
    assert_string_equal(qlq_message(&q, QLQ_MSG_WELCOME), "");
    assert_string_equal(qlq_message(NULL, QLQ_MSG_WELCOME), "");
    char hello[] = "Bonjour";
    q.messages[QLQ_MSG_WELCOME] = hello;
    assert_ptr_equal(qlq_message(&q, QLQ_MSG_WELCOME), hello);
    assert_string_equal(qlq_message(&q, QLQ_MSG_COUNT), "");
    assert_string_equal(qlq_message(&q, (qlq_msg)-5), "");
}

static char *dup(const char *s)
{
    char *p = malloc(strlen(s) + 1);
    assert_non_null(p);
    return strcpy(p, s);
}

static void free_releases_and_zeroes(void **state)
{
    (void)state;
    qlq_questionnaire q;
    memset(&q, 0, sizeof q);
    qlq_questionnaire_free(&q); /* zeroed: nothing to do */
    qlq_questionnaire_free(NULL);
    strcpy(q.language, "fr");
    q.title = dup("t");
    q.version = dup("3.0");
    q.time_frame = dup("tf");
    q.time_frame_first_item = 6;
    for (int n = 0; n < QLQ_ITEM_SLOTS; n++) {
        q.items[n].number = n;
        q.items[n].text = dup("text");
        q.items[n].speech = dup("speech");
        for (int v = 0; v < QLQ_MAX_OPTIONS; v++)
            q.items[n].options[v] = dup("o");
        q.items[n].anchor_low = dup("lo");
        q.items[n].anchor_high = dup("hi");
    }
    for (int m = 0; m < QLQ_MSG_COUNT; m++)
        q.messages[m] = dup("m");
    qlq_questionnaire_free(&q); /* LeakSanitizer checks that every string went */
    const unsigned char *p = (const unsigned char *)&q;
    for (size_t i = 0; i < sizeof q; i++)
        assert_int_equal(p[i], 0);
    qlq_questionnaire_free(&q); /* twice is harmless */
}

static bool valid(const char *bytes, size_t len)
{
    return qlq_utf8_valid(bytes, len);
}

#define V(lit) valid((lit), sizeof(lit) - 1)

static void utf8_named_cases(void **state)
{
    (void)state;
    assert_true(qlq_utf8_valid(NULL, 0));
    assert_false(qlq_utf8_valid(NULL, 1));
    assert_true(V(""));
    assert_true(V("Pas du tout"));
    assert_true(V("\0"));                         /* U+0000 is well-formed UTF-8 */
    assert_true(V("\xC3\xA9"));                   /* é */
    assert_true(V("Très mauvais, Êtes-vous, cœur")); /* 2-byte sequences */
    assert_true(V("\xE2\x82\xAC"));               /* € */
    assert_true(V("\xEF\xBF\xBD"));               /* U+FFFD */
    assert_true(V("\xED\x9F\xBF"));               /* U+D7FF, just below the surrogates */
    assert_true(V("\xEE\x80\x80"));               /* U+E000, just above */
    assert_true(V("\xF0\x9D\x84\x9E"));           /* U+1D11E */
    assert_true(V("\xF4\x8F\xBF\xBF"));           /* U+10FFFF, the last code point */
    /* overlongs */
    assert_false(V("\xC0\x80"));
    assert_false(V("\xC0\xAF"));
    assert_false(V("\xC1\xBF"));
    assert_false(V("\xE0\x80\x80"));
    assert_false(V("\xE0\x9F\xBF"));
    assert_false(V("\xF0\x80\x80\x80"));
    assert_false(V("\xF0\x8F\xBF\xBF"));
    /* surrogates */
    assert_false(V("\xED\xA0\x80"));
    assert_false(V("\xED\xBF\xBF"));
    assert_false(V("\xED\xA0\xBD\xED\xB2\xA9")); /* CESU-8 pair */
    /* above U+10FFFF */
    assert_false(V("\xF4\x90\x80\x80"));
    assert_false(V("\xF5\x80\x80\x80"));
    assert_false(V("\xF7\xBF\xBF\xBF"));
    assert_false(V("\xF8\x88\x80\x80\x80"));
    assert_false(V("\xFF"));
    assert_false(V("\xFE"));
    /* truncated and stray */
    assert_false(V("\xC3"));
    assert_false(V("\xE2\x82"));
    assert_false(V("\xF0\x9D\x84"));
    assert_false(V("abc\xC3"));
    assert_false(V("\xC3 "));
    assert_false(V("\xE2\x82 "));
    assert_false(V("\x80"));
    assert_false(V("a\xBF"));
    assert_false(V("\xC3\xA9\xA9"));
    /* the length is respected: the valid prefix of a longer buffer */
    assert_true(valid("\xC3\xA9\xFF", 2));
    assert_false(valid("\xC3\xA9", 1));
}

/* Independent reference: decode by bit patterns, then reject what is not a minimal encoding of a
 * Unicode scalar value. */
static bool ref_valid(const unsigned char *s, size_t len)
{
    size_t i = 0;
    while (i < len) {
        unsigned b = s[i];
        size_t n;
        uint32_t cp, min;
        if (b < 0x80) {
            i++;
            continue;
        } else if ((b & 0xE0) == 0xC0) {
            n = 2, cp = b & 0x1F, min = 0x80;
        } else if ((b & 0xF0) == 0xE0) {
            n = 3, cp = b & 0x0F, min = 0x800;
        } else if ((b & 0xF8) == 0xF0) {
            n = 4, cp = b & 0x07, min = 0x10000;
        } else {
            return false;
        }
        if (len - i < n)
            return false;
        for (size_t k = 1; k < n; k++) {
            if ((s[i + k] & 0xC0) != 0x80)
                return false;
            cp = (cp << 6) | (s[i + k] & 0x3F);
        }
        if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
            return false;
        i += n;
    }
    return true;
}

static void utf8_matches_reference_exhaustively(void **state)
{
    (void)state;
    unsigned char s[4];
    long accepted = 0;
    for (unsigned a = 0; a < 256; a++) {
        s[0] = (unsigned char)a;
        assert_int_equal(qlq_utf8_valid((char *)s, 1), ref_valid(s, 1));
        for (unsigned b = 0; b < 256; b++) {
            s[1] = (unsigned char)b;
            assert_int_equal(qlq_utf8_valid((char *)s, 2), ref_valid(s, 2));
            for (unsigned c = 0; c < 256; c++) {
                s[2] = (unsigned char)c;
                bool ok = qlq_utf8_valid((char *)s, 3);
                if (ok != ref_valid(s, 3))
                    fail_msg("disagree on %02X %02X %02X", a, b, c);
                accepted += ok;
            }
        }
    }
    /* Sanity of the reference itself: the count of valid 3-byte strings is known in closed form:
     * 1-byte chars: 128; ASCII x 2-byte and 2-byte x ASCII; ASCII^3; and the 3-byte code points
     * U+0800..U+FFFF minus the 2048 surrogates. */
    long two = 0x800 - 0x80;
    long expected = 128L * 128 * 128 + 2 * 128 * two + (0x10000 - 0x800 - 0x800);
    assert_int_equal(accepted, expected);
    /* 4-byte strings: every lead and second byte, with edge values for the rest. */
    static const unsigned char edge[] = { 0x00, 0x41, 0x7F, 0x80, 0x8F, 0x90, 0xBF, 0xC0, 0xC3, 0xFF };
    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            for (size_t c = 0; c < sizeof edge; c++) {
                for (size_t d = 0; d < sizeof edge; d++) {
                    unsigned char t[4] = { (unsigned char)a, (unsigned char)b, edge[c], edge[d] };
                    if (qlq_utf8_valid((char *)t, 4) != ref_valid(t, 4))
                        fail_msg("disagree on %02X %02X %02X %02X", a, b, edge[c], edge[d]);
                }
            }
        }
    }
}

static void item_scales_of_v3(void **state)
{
    (void)state;
    assert_int_equal(qlq_item_scale(0), QLQ_SCALE_CHECK);
    for (int n = 1; n <= 28; n++)
        assert_int_equal(qlq_item_scale(n), QLQ_SCALE_4);
    assert_int_equal(qlq_item_scale(29), QLQ_SCALE_7);
    assert_int_equal(qlq_item_scale(30), QLQ_SCALE_7);
    const int outside[] = { -1, 31, 32, 100, INT_MIN, INT_MAX };
    for (size_t i = 0; i < sizeof outside / sizeof outside[0]; i++) {
        qlq_scale s = qlq_item_scale(outside[i]);
        assert_true(s == (qlq_scale)-1);
        assert_true(s != QLQ_SCALE_CHECK && s != QLQ_SCALE_4 && s != QLQ_SCALE_7);
    }
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(msg_keys_match_enum_names),
        cmocka_unit_test(msg_key_rejects_unknown),
        cmocka_unit_test(message_never_null),
        cmocka_unit_test(free_releases_and_zeroes),
        cmocka_unit_test(utf8_named_cases),
        cmocka_unit_test(utf8_matches_reference_exhaustively),
        cmocka_unit_test(item_scales_of_v3),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
