/*
 * test_assets.c - the shipped data files: both load, have the v3.0 structure, the official item
 * wording, and every message.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "loader_test_util.h"

/* EORTC QLQ-C30 version 3.0, as the official forms print them. */
static const char *const fr_items[31] = {
    NULL,
    "Avez-vous des difficultés à faire certains efforts physiques pénibles comme porter un sac à provisions "
    "chargé ou une valise ?",
    "Avez-vous des difficultés à faire une LONGUE promenade ?",
    "Avez-vous des difficultés à faire un PETIT tour dehors ?",
    "Êtes-vous obligé(e) de rester au lit ou dans un fauteuil pendant la journée ?",
    "Avez-vous besoin d'aide pour manger, vous habiller, faire votre toilette ou aller aux toilettes ?",
    "Avez-vous été gêné(e) pour faire votre travail ou vos activités de tous les jours ?",
    "Avez-vous été gêné(e) dans vos activités de loisirs ?",
    "Avez-vous eu le souffle court ?",
    "Avez-vous ressenti de la douleur ?",
    "Avez-vous eu besoin de repos ?",
    "Avez-vous eu des difficultés pour dormir ?",
    "Vous êtes-vous senti(e) faible ?",
    "Avez-vous manqué d'appétit ?",
    "Avez-vous eu des nausées (mal au cœur) ?",
    "Avez-vous vomi ?",
    "Avez-vous été constipé(e) ?",
    "Avez-vous eu de la diarrhée ?",
    "Étiez-vous fatigué(e) ?",
    "Des douleurs ont-elles perturbé vos activités quotidiennes ?",
    "Avez-vous eu des difficultés à vous concentrer sur certaines choses, par exemple, pour lire le journal ou "
    "regarder la télévision ?",
    "Vous êtes-vous senti(e) tendu(e) ?",
    "Vous êtes-vous fait du souci ?",
    "Vous êtes-vous senti(e) irritable ?",
    "Vous êtes-vous senti(e) déprimé(e) ?",
    "Avez-vous eu des difficultés pour vous souvenir de certaines choses ?",
    "Votre état physique ou votre traitement médical vous ont-ils gêné(e) dans votre vie FAMILIALE ?",
    "Votre état physique ou votre traitement médical vous ont-ils gêné(e) dans vos activités SOCIALES (par "
    "exemple, sortir avec des amis, aller au cinéma...) ?",
    "Votre état physique ou votre traitement médical vous ont-ils causé des problèmes financiers ?",
    "Comment évalueriez-vous votre état de santé au cours de la semaine passée ?",
    "Comment évalueriez-vous l'ensemble de votre qualité de vie au cours de la semaine passée ?",
};

static const char *const en_items[31] = {
    NULL,
    "Do you have any trouble doing strenuous activities, like carrying a heavy shopping bag or a suitcase?",
    "Do you have any trouble taking a long walk?",
    "Do you have any trouble taking a short walk outside of the house?",
    "Do you need to stay in bed or a chair during the day?",
    "Do you need help with eating, dressing, washing yourself or using the toilet?",
    "Were you limited in doing either your work or other daily activities?",
    "Were you limited in pursuing your hobbies or other leisure time activities?",
    "Were you short of breath?",
    "Have you had pain?",
    "Did you need to rest?",
    "Have you had trouble sleeping?",
    "Have you felt weak?",
    "Have you lacked appetite?",
    "Have you felt nauseated?",
    "Have you vomited?",
    "Have you been constipated?",
    "Have you had diarrhea?",
    "Were you tired?",
    "Did pain interfere with your daily activities?",
    "Have you had difficulty in concentrating on things, like reading a newspaper or watching television?",
    "Did you feel tense?",
    "Did you worry?",
    "Did you feel irritable?",
    "Did you feel depressed?",
    "Have you had difficulty remembering things?",
    "Has your physical condition or medical treatment interfered with your family life?",
    "Has your physical condition or medical treatment interfered with your social activities?",
    "Has your physical condition or medical treatment caused you financial difficulties?",
    "How would you rate your overall health during the past week?",
    "How would you rate your overall quality of life during the past week?",
};

typedef struct {
    const char *lang;
    const char *const *items;
    const char *time_frame;
    const char *labels4[4];
    const char *low, *high;
} expected_file;

static const expected_file fr = {
    "fr", fr_items, "Au cours de la semaine passée :", { "Pas du tout", "Un peu", "Assez", "Beaucoup" },
    "Très mauvais", "Excellent",
};
static const expected_file en = {
    "en", en_items, "During the past week:", { "Not at all", "A little", "Quite a bit", "Very much" },
    "Very poor", "Excellent",
};

static int expected_scale(int n)
{
    return n == 0 ? 0 : n <= 28 ? 4 : 7;
}

static void check_item(const expected_file *e, const qlq_item *it, int n)
{
    static const char *const digits[7] = { "1", "2", "3", "4", "5", "6", "7" };
    assert_int_equal(it->number, n);
    assert_int_equal((int)it->scale, expected_scale(n));
    assert_non_null(it->text);
    assert_non_null(it->speech);
    assert_true(qlq_utf8_valid(it->speech, strlen(it->speech)));
    /* Spoken text: no gender markers, no brackets. */
    assert_null(strchr(it->speech, '('));
    assert_null(strchr(it->speech, ')'));
    if (n > 0)
        assert_string_equal(it->text, e->items[n]);
    int count = n == 0 ? 2 : expected_scale(n);
    for (int v = 0; v < QLQ_MAX_OPTIONS; v++) {
        if (v >= count) {
            assert_null(it->options[v]);
            continue;
        }
        assert_non_null(it->options[v]);
        if (count == 4)
            assert_string_equal(it->options[v], e->labels4[v]);
        else if (count == 7)
            assert_string_equal(it->options[v], digits[v]);
    }
    if (count == 7) {
        assert_string_equal(it->anchor_low, e->low);
        assert_string_equal(it->anchor_high, e->high);
    } else {
        assert_null(it->anchor_low);
        assert_null(it->anchor_high);
    }
}

static void check_file(const expected_file *e)
{
    qlq_questionnaire q;
    qlq_load_error err;
    if (qlq_loader_load_language(tu_assets_dir(), e->lang, &q, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(q.language, e->lang);
    assert_string_equal(q.version, "3.0");
    assert_true(strlen(q.title) > 0);
    assert_string_equal(q.time_frame, e->time_frame);
    assert_int_equal(q.time_frame_first_item, 6);
    for (int n = 0; n < QLQ_ITEM_SLOTS; n++)
        check_item(e, &q.items[n], n);
    for (int m = 0; m < QLQ_MSG_COUNT; m++) {
        assert_non_null(q.messages[m]);
        assert_true(strlen(q.messages[m]) > 0);
        assert_ptr_equal(qlq_message(&q, (qlq_msg)m), q.messages[m]);
    }
    qlq_questionnaire_free(&q);
    assert_true(tu_is_zeroed(&q));
}

static void french_file(void **state)
{
    (void)state;
    check_file(&fr);
}

static void english_file(void **state)
{
    (void)state;
    check_file(&en);
}

static void french_wording_details(void **state)
{
    (void)state;
    qlq_questionnaire q;
    qlq_load_error err;
    assert_int_equal(qlq_loader_load_language(tu_assets_dir(), "fr", &q, &err), 0);
    /* Emphasis stays in capitals on screen, in lower case when spoken. */
    assert_non_null(strstr(q.items[2].speech, "une longue promenade"));
    assert_non_null(strstr(q.items[26].speech, "vie familiale"));
    assert_non_null(strstr(q.items[27].speech, "activités sociales"));
    assert_string_equal(q.items[4].speech,
                        "Êtes-vous obligé de rester au lit ou dans un fauteuil pendant la journée ?");
    assert_non_null(strstr(q.items[0].text, "Question 0 - Tests préalables"));
    assert_non_null(strstr(q.items[0].speech, "oui"));
    assert_string_equal(q.messages[QLQ_MSG_REVIEW_MISSING], "Les questions suivantes sont sans réponse :");
    assert_non_null(strstr(q.messages[QLQ_MSG_SAVED], "Réponse enregistrée"));
    assert_non_null(strstr(q.messages[QLQ_MSG_BIRTH_DATE], "année-mois-jour"));
    assert_non_null(strstr(q.messages[QLQ_MSG_INITIALS], "1 à 4 lettres"));
    assert_string_equal(q.messages[QLQ_MSG_YES], "Oui");
    assert_string_equal(q.messages[QLQ_MSG_NO], "Non");
    /* Vouvoiement throughout: no "tu"/"ton"/"ta"/"tes" as a word in any message. */
    for (int m = 0; m < QLQ_MSG_COUNT; m++) {
        static const char *const familiar[] = { " tu ", " ton ", " ta ", " tes ", "Tu ", "Touche " };
        for (size_t k = 0; k < sizeof familiar / sizeof familiar[0]; k++) {
            if (strstr(q.messages[m], familiar[k]) != NULL)
                fail_msg("message %s uses \"%s\"", qlq_msg_key((qlq_msg)m), familiar[k]);
        }
    }
    qlq_questionnaire_free(&q);
}

static void both_languages_have_the_same_shape(void **state)
{
    (void)state;
    qlq_questionnaire a, b;
    qlq_load_error err;
    assert_int_equal(qlq_loader_load_language(tu_assets_dir(), "fr", &a, &err), 0);
    assert_int_equal(qlq_loader_load_language(tu_assets_dir(), "en", &b, &err), 0);
    for (int n = 0; n < QLQ_ITEM_SLOTS; n++) {
        assert_int_equal(a.items[n].scale, b.items[n].scale);
        for (int v = 0; v < QLQ_MAX_OPTIONS; v++)
            assert_int_equal(a.items[n].options[v] == NULL, b.items[n].options[v] == NULL);
    }
    assert_string_not_equal(a.items[1].text, b.items[1].text);
    qlq_questionnaire_free(&a);
    qlq_questionnaire_free(&b);
}

/* The same bytes through qlq_loader_parse, under another name: nothing depends on the path. */
static void parse_from_memory(void **state)
{
    (void)state;
    size_t len;
    char *text = tu_read_asset("en", &len);
    qlq_questionnaire q;
    qlq_load_error err;
    if (qlq_loader_parse("in-memory", text, len, &q, &err) != 0)
        fail_msg("%s", err.message);
    assert_string_equal(q.items[30].text, en_items[30]);
    qlq_questionnaire_free(&q);
    free(text);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(french_file),
        cmocka_unit_test(english_file),
        cmocka_unit_test(french_wording_details),
        cmocka_unit_test(both_languages_have_the_same_shape),
        cmocka_unit_test(parse_from_memory),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
