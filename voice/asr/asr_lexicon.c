/* asr_lexicon.c - reads the lexicons and phrase lists of assets/voice into the decoder. */
#include "asr_internal.h"

#include <sphinxbase/ckd_alloc.h>

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

const char *const asr_lang_tag[ASR_LANG_COUNT] = {"fr", "en"};

static char *skip_space(char *s)
{
    while (*s == ' ' || *s == '\t')
        s++;
    return s;
}

static void chomp(char *s)
{
    size_t n = strlen(s);
    while (n > 0 && isspace((unsigned char)s[n - 1]))
        s[--n] = '\0';
}

/* "un(2)" -> "un@fr(2)": one dictionary holds both languages ("six" is a word of each). */
static int internal_word(const char *word, size_t len, asr_lang lang, char *out, size_t out_len)
{
    const char *paren = memchr(word, '(', len);
    size_t base = paren ? (size_t)(paren - word) : len;
    int n = snprintf(out, out_len, "%.*s@%s%.*s", (int)base, word, asr_lang_tag[lang],
                     (int)(len - base), word + base);
    return (n > 0 && (size_t)n < out_len) ? 0 : -1;
}

static bool comment_line(const char *s)
{
    return *s == '\0' || *s == '#' || (s[0] == ';' && s[1] == ';');
}

int asr_lexicon_load(ps_decoder_t *ps, const char *path, asr_lang lang, char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512], word[160];
    int lineno = 0, rc = 0, added = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        char *s = skip_space(line);
        if (comment_line(s))
            continue;
        size_t wlen = strcspn(s, " \t");
        char *phones = skip_space(s + wlen);
        if (*phones == '\0' || internal_word(s, wlen, lang, word, sizeof word) != 0) {
            snprintf(err, err_len, "%s:%d: expected WORD PHONES...", path, lineno);
            rc = -1;
        } else if (ps_add_word(ps, word, phones, FALSE) < 0) {
            /* unknown phone for this acoustic model, or a duplicate */
            snprintf(err, err_len, "%s:%d: the model refuses '%.*s' /%s/", path, lineno, (int)wlen, s, phones);
            rc = -1;
        } else {
            added++;
        }
    }
    fclose(f);
    if (rc == 0 && added == 0) {
        snprintf(err, err_len, "%s: no words", path);
        rc = -1;
    }
    return rc;
}

static int parse_grammars(const char *s, unsigned *mask)
{
    *mask = 0;
    if (strcmp(s, "*") == 0) {
        *mask = (1u << ASR_GRAMMAR_COUNT) - 1;
        return 0;
    }
    char buf[32];
    snprintf(buf, sizeof buf, "%s", s);
    for (char *save = NULL, *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
        if (strcmp(t, "4") == 0)
            *mask |= 1u << ASR_GRAMMAR_SCALE4;
        else if (strcmp(t, "7") == 0)
            *mask |= 1u << ASR_GRAMMAR_SCALE7;
        else if (strcmp(t, "yn") == 0)
            *mask |= 1u << ASR_GRAMMAR_YESNO;
        else
            return -1;
    }
    return *mask ? 0 : -1;
}

static int parse_meaning(const char *s, asr_phrase_role *role, asr_kind *kind, int *value)
{
    static const struct { const char *name; asr_kind kind; } names[] = {
        {"repeat", ASR_REPEAT}, {"back", ASR_BACK}, {"dontknow", ASR_DONTKNOW},
        {"yes", ASR_YES},       {"no", ASR_NO},     {"reject", ASR_REJECT},
    };
    *value = 0;
    *kind = ASR_REJECT;
    *role = strcmp(s, "before") == 0 ? ASR_PHRASE_BEFORE : ASR_PHRASE_SAYS;
    if (*role != ASR_PHRASE_SAYS)
        return 0;
    if (s[0] >= '1' && s[0] <= '7' && s[1] == '\0') {
        *kind = ASR_ANSWER;
        *value = s[0] - '0';
        return 0;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(s, names[i].name) == 0) {
            *kind = names[i].kind;
            return 0;
        }
    }
    return -1;
}

/* Words of a phrase -> "w1@fr w2@fr"; each must be in the dictionary. */
static int phrase_words(ps_decoder_t *ps, char *text, asr_lang lang, char *out, size_t out_len,
                        char *bad, size_t bad_len)
{
    size_t used = 0;
    out[0] = '\0';
    for (char *save = NULL, *w = strtok_r(text, " \t", &save); w; w = strtok_r(NULL, " \t", &save)) {
        char iw[160];
        if (internal_word(w, strlen(w), lang, iw, sizeof iw) != 0)
            return -1;
        char *pron = ps_lookup_word(ps, iw);
        if (!pron) {
            snprintf(bad, bad_len, "%s", w);
            return -1;
        }
        ckd_free(pron);
        int n = snprintf(out + used, out_len - used, "%s%s", used ? " " : "", iw);
        if (n < 0 || (size_t)n >= out_len - used)
            return -1;
        used += (size_t)n;
    }
    return used ? 0 : -1;
}

/* "GRAMMARS agree MEANING...": answers of those meanings, on those grammars, are taken only when both
 * models hear them. */
static int agree_line(unsigned grammars, char *meanings, asr_lang_data *ld)
{
    unsigned mask = 0;
    for (char *save = NULL, *m = strtok_r(meanings, " \t", &save); m; m = strtok_r(NULL, " \t", &save)) {
        asr_phrase_role role;
        asr_kind kind;
        int value;
        if (parse_meaning(m, &role, &kind, &value) != 0 || role != ASR_PHRASE_SAYS || kind == ASR_REJECT)
            return -1;
        mask |= 1u << asr_meaning_index(kind, value);
    }
    if (!mask)
        return -1;
    for (int g = 0; g < ASR_GRAMMAR_COUNT; g++)
        if (grammars & (1u << g))
            ld->agree[g] |= mask;
    return 0;
}

/* What phrase_line read. */
typedef enum { LINE_PHRASE, LINE_AGREE, LINE_BAD, LINE_BAD_AGREE } line_kind;

/* One line: a phrase (stored in *p) or an "agree" line (stored in ld). */
static line_kind phrase_line(ps_decoder_t *ps, char *s, asr_lang lang, asr_lang_data *ld, asr_phrase *p, char *bad,
                       size_t bad_len)
{
    char *save = NULL;
    char *grammars = strtok_r(s, " \t", &save);
    char *meaning = strtok_r(NULL, " \t", &save);
    char *rest = save ? skip_space(save) : NULL;
    char words[512];
    if (!grammars || !meaning || !rest || parse_grammars(grammars, &p->grammars) != 0)
        return LINE_BAD;
    if (strcmp(meaning, "agree") == 0)
        return agree_line(p->grammars, rest, ld) == 0 ? LINE_AGREE : LINE_BAD_AGREE;
    if (parse_meaning(meaning, &p->role, &p->kind, &p->value) != 0 ||
        phrase_words(ps, rest, lang, words, sizeof words, bad, bad_len) != 0)
        return LINE_BAD;
    p->words = strdup(words);
    return p->words ? LINE_PHRASE : LINE_BAD;
}

int asr_phrases_load(ps_decoder_t *ps, const char *path, asr_lang lang, asr_lang_data *ld,
                     char *err, size_t err_len)
{
    FILE *f = fopen(path, "r");
    if (!f) {
        snprintf(err, err_len, "%s: %s", path, strerror(errno));
        return -1;
    }
    char line[512];
    int lineno = 0, rc = 0;
    while (rc == 0 && fgets(line, sizeof line, f)) {
        lineno++;
        chomp(line);
        char *s = skip_space(line);
        if (comment_line(s))
            continue;
        char bad[64] = "";
        if (ld->n_phrases == ASR_MAX_PHRASES) {
            snprintf(err, err_len, "%s:%d: more than %d phrases", path, lineno, ASR_MAX_PHRASES);
            rc = -1;
            continue;
        }
        switch (phrase_line(ps, s, lang, ld, &ld->phrases[ld->n_phrases], bad, sizeof bad)) {
        case LINE_PHRASE:
            ld->n_phrases++;
            break;
        case LINE_AGREE:
            break;
        case LINE_BAD_AGREE:
            snprintf(err, err_len, "%s:%d: expected GRAMMARS agree MEANING... (answers or commands)", path, lineno);
            rc = -1;
            break;
        case LINE_BAD:
            snprintf(err, err_len, "%s:%d: %s%s%s", path, lineno,
                     bad[0] ? "word not in the lexicon: " : "expected GRAMMARS MEANING WORDS...", bad, "");
            rc = -1;
            break;
        }
    }
    fclose(f);
    return rc;
}

void asr_phrases_free(asr_lang_data *ld)
{
    for (size_t i = 0; i < ld->n_phrases; i++)
        free(ld->phrases[i].words);
    ld->n_phrases = 0;
    memset(ld->agree, 0, sizeof ld->agree);
}

int asr_phrases_check(ps_decoder_t *ps, const asr_lang_data *ld, const char *lexicon, char *err, size_t err_len)
{
    for (size_t i = 0; i < ld->n_phrases; i++) {
        char words[512];
        snprintf(words, sizeof words, "%s", ld->phrases[i].words);
        for (char *save = NULL, *w = strtok_r(words, " ", &save); w; w = strtok_r(NULL, " ", &save)) {
            char *pron = ps_lookup_word(ps, w);
            if (!pron) {
                snprintf(err, err_len, "%s: no pronunciation for '%.*s' (a word of the phrases)", lexicon,
                         (int)strcspn(w, "@"), w);
                return -1;
            }
            ckd_free(pron);
        }
    }
    return 0;
}
