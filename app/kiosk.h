/* The kiosk's one event loop: front-end input and timers become core events; the core's effects go
 * to the store and the front end. Internal to app/. */
#ifndef QLQ_KIOSK_H
#define QLQ_KIOSK_H

#include "qlq_core.h"
#include "qlq_store.h"
#include "qlq_ui.h"

typedef struct {
    qlq_config cfg;
    const qlq_questionnaire *q;
    store *db;
    qlq_ui *ui;
} kiosk;

/* Resumes an unfinished session younger than the idle timeout, closes an older one as incomplete.
 * Fills `s` for the loop. Returns 0, or -1 when the database could not be read. */
int kiosk_recover(kiosk *k, qlq_session *s);
/* Runs sessions until the front end's input ends. Returns the process exit status. */
int kiosk_run(kiosk *k, qlq_session *s);

#endif
