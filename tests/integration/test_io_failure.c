/*
 * I/O failures under the real event loop: the kiosk's core, store and loop run in-process on a SQLite
 * VFS shim that makes writes fail (disk full, I/O error) after N successful ones. A scripted patient
 * (a fake front end at the edge) answers every question and answers again when told the answer was not
 * saved. Afterwards, with the normal VFS, every acknowledged answer is in the database.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "faultvfs.h"
#include "kiosk.h"
#include "qlq_loader.h"

typedef struct {
    int acked[QLQ_ITEM_SLOTS];  /* last acknowledged value, 0 = none */
    int save_failures;
    int failures_before_room;   /* the disk "gets room again" after this many failed saves */
    bool submitted;
    int events;
} patient;

static int planned(int item)
{
    return item >= 29 ? 1 + item % 7 : 1 + item % 4;
}

static qlq_ui_input patient_next(qlq_ui *ui, const qlq_session *s, qlq_event *ev, int wait_ms)
{
    (void)wait_ms;
    patient *p = ui->impl;
    if (++p->events > 500 || p->submitted)
        return QLQ_UI_END;
    ev->source = QLQ_SOURCE_TOUCH;
    switch (s->step) {
    case QLQ_STEP_WELCOME: ev->type = QLQ_EV_START; break;
    case QLQ_STEP_CONSENT: ev->type = QLQ_EV_CONSENT; ev->value = 1; break;
    case QLQ_STEP_INITIALS: ev->type = QLQ_EV_INITIALS; strcpy(ev->text, "PF"); break;
    case QLQ_STEP_BIRTH_DATE: ev->type = QLQ_EV_BIRTH_DATE; strcpy(ev->text, "1939-09-09"); break;
    case QLQ_STEP_MODE: ev->type = QLQ_EV_MODE; ev->value = QLQ_MODE_MANUAL; break;
    case QLQ_STEP_AUDIO: ev->type = QLQ_EV_AUDIO; ev->value = 1; break;
    case QLQ_STEP_ITEM:
        ev->type = QLQ_EV_ANSWER;
        ev->value = s->item == 0 ? 1 : planned(s->item);
        break;
    case QLQ_STEP_REVIEW: ev->type = QLQ_EV_SUBMIT; break;
    default: return QLQ_UI_END;
    }
    return QLQ_UI_EVENT;
}

static void patient_effect(qlq_ui *ui, const qlq_session *s, const qlq_effect *fx)
{
    (void)s;
    patient *p = ui->impl;
    if (fx->type == QLQ_FX_ACK)
        p->acked[fx->item] = fx->value;
    else if (fx->type == QLQ_FX_SUBMITTED)
        p->submitted = true;
    else if (fx->type == QLQ_FX_SAVE_FAILED && ++p->save_failures >= p->failures_before_room)
        faultvfs_clear();
}

static void patient_resumed(qlq_ui *ui, const qlq_session *s)
{
    (void)ui;
    (void)s;
    fail_msg("nothing to resume on a fresh database");
}

static void patient_destroy(qlq_ui *ui)
{
    (void)ui;
}

static const qlq_ui_ops patient_ops = {
    .name = "scripted patient",
    .next_event = patient_next,
    .effect = patient_effect,
    .resumed = patient_resumed,
    .destroy = patient_destroy,
};

static int stored(sqlite3 *db, int item)
{
    sqlite3_stmt *st = NULL;
    int v = 0;
    assert_int_equal(sqlite3_prepare_v2(db, "SELECT score FROM responses WHERE question_num = ?1", -1, &st, NULL),
                     SQLITE_OK);
    sqlite3_bind_int(st, 1, item);
    if (sqlite3_step(st) == SQLITE_ROW)
        v = sqlite3_column_int(st, 0);
    sqlite3_finalize(st);
    return v;
}

/* One session on a fresh database whose writes fail after `ok_writes` successful ones. */
static void run_with_fault(const qlq_questionnaire *q, int ok_writes, int err, bool persistent, int *failures)
{
    char dir[] = "/tmp/qlq-io-XXXXXX";
    assert_non_null(mkdtemp(dir));
    char path[128];
    snprintf(path, sizeof path, "%s/kiosk.db", dir);
    store *db = NULL;
    store_options opt = {.vfs_name = "faultvfs"};
    assert_int_equal(store_open(path, &opt, &db, NULL, 0), STORE_OK);
    patient p = {.failures_before_room = 2};
    qlq_ui ui = {.ops = &patient_ops, .impl = &p};
    kiosk k = {.q = q, .db = db, .ui = &ui};
    qlq_config_default(&k.cfg);
    qlq_session s;
    assert_int_equal(kiosk_recover(&k, &s), 0);
    faultvfs_fail_writes_after(ok_writes, err, persistent);
    assert_int_equal(kiosk_run(&k, &s), 0);
    faultvfs_clear();
    store_close(db);
    assert_true(p.submitted);
    *failures += p.save_failures;

    sqlite3 *check = NULL;
    assert_int_equal(sqlite3_open_v2(path, &check, SQLITE_OPEN_READWRITE, NULL), SQLITE_OK);
    for (int item = 1; item <= 30; item++) {
        assert_int_equal(p.acked[item], planned(item));
        assert_int_equal(stored(check, item), p.acked[item]);
    }
    sqlite3_close(check);
    char cmd[256];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    assert_int_equal(system(cmd), 0);
}

static void test_failing_writes_lose_no_acknowledged_answer(void **state)
{
    (void)state;
    qlq_questionnaire q;
    qlq_load_error err;
    assert_int_equal(qlq_loader_load_language(qlq_loader_assets_dir(NULL), "fr", &q, &err), 0);
    faultvfs_register();
    int failures = 0;
    for (int n = 0; n < 120; n += 3) {
        run_with_fault(&q, n, SQLITE_FULL, true, &failures);
        run_with_fault(&q, n + 1, SQLITE_IOERR_WRITE, false, &failures);
    }
    printf("io failure test: %d failed saves, every acknowledged answer stored\n", failures);
    assert_true(failures >= 40); /* the faults really hit the answers' commits */
    qlq_questionnaire_free(&q);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_failing_writes_lose_no_acknowledged_answer),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
