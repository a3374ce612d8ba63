/* export_checks.h - cmocka checks of one finished export folder against the database. */
#ifndef QLQ_TEST_EXPORT_CHECKS_H
#define QLQ_TEST_EXPORT_CHECKS_H

#include <stddef.h>

#include "export_fixture.h"

/* MANIFEST.sha256 lists every other file exactly once with its true SHA-256, `sha256sum -c`
 * agrees, and fhir/ holds `n_fhir` files. */
void ck_manifest(const char *folder, size_t n_fhir);
/* sessions.csv and responses.csv parse back to the store's values and the fixture's inputs. */
void ck_sessions_csv(const char *folder, const fx_db *fx, const fx_snapshot *snap);
void ck_responses_csv(const char *folder, const fx_db *fx, const fx_snapshot *snap);
/* scores.csv holds qlq_score of the answers the fixture gave. */
void ck_scores_csv(const char *folder, const fx_db *fx);
/* fhir/<id>.json for every session: valid-looking R4 QuestionnaireResponse with the answers. */
void ck_fhir(const char *folder, const fx_db *fx, const fx_snapshot *snap);
/* The cell the export must write for a database text: empty for NULL, an apostrophe before a
 * formula start. Returns a malloc'd string. */
char *ck_expected_cell(const char *db_text);
/* A name like qlq-export-20251126T101733Z or qlq-export-20251126T101733Z-2. */
int ck_export_name_ok(const char *name);

#endif
