/*
 * qlq_export_main.c - qlq-export: copies every session of a kiosk database into a folder that
 * clinic staff can take away (CSV for spreadsheets, FHIR R4 for clinical systems, a SHA-256
 * manifest to check the copy). Data is read only through the store's API; scores come from the
 * pure core, so the export and the kiosk can never disagree.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "export.h"

static const char EXP_USAGE[] =
    "Usage: qlq-export --db FILE --out DIR\n"
    "\n"
    "Exports every session of the qlq-kiosk database FILE into a new folder\n"
    "DIR/qlq-export-YYYYMMDDTHHMMSSZ (UTC time; -2, -3, ... is added when that name exists):\n"
    "  sessions.csv     one row per session\n"
    "  responses.csv    one row per stored answer\n"
    "  scores.csv       one row per session: the 15 EORTC QLQ-C30 scales (QL2 ... FI) and the\n"
    "                   summary score SUM; an empty cell when a score cannot be computed\n"
    "  fhir/<id>.json   one FHIR R4 QuestionnaireResponse per session\n"
    "  MANIFEST.sha256  the SHA-256 of every other file; check a copy with\n"
    "                   `sha256sum -c MANIFEST.sha256` inside the folder\n"
    "\n"
    "The folder appears only when it is complete: it is written under a hidden .partial name,\n"
    "saved to disk, then renamed. An interrupted export never looks whole.\n"
    "\n"
    "CSV files follow RFC 4180 (UTF-8, header row, LF line ends). To stop spreadsheets from\n"
    "running text as a formula, a text cell that starts with =, +, -, @, a tab or a carriage\n"
    "return is written with a leading apostrophe (').\n"
    "\n"
    "The files hold patient data: keep them on approved media only.\n"
    "\n"
    "On success the folder's path is printed on standard output and a summary on standard\n"
    "error. On any error the reason is printed on standard error, nothing is left behind in\n"
    "DIR and the exit status is 1.\n"
    "\n"
    "Options:\n"
    "  --db FILE   the kiosk's database; it must exist\n"
    "  --out DIR   an existing, writable folder (a USB stick, for instance)\n"
    "  -h, --help  show this text\n";

typedef struct {
    const char *db, *out;
    bool help;
} exp_args;

typedef struct {
    exp_folder folder;
    exp_file *tables[EXP_CSV_COUNT];
    exp_error err;
    size_t sessions, responses, submitted, incomplete, in_progress;
} exp_run;

/* 1: `arg` is option `name` and its value was taken; 0: another option; -1: value missing. */
static int exp_take_option(int argc, char **argv, int *i, const char *name, const char **value)
{
    size_t len = strlen(name);
    const char *arg = argv[*i];
    if (strncmp(arg, name, len) != 0)
        return 0;
    if (arg[len] == '=') {
        *value = arg + len + 1;
        return 1;
    }
    if (arg[len] != '\0')
        return 0;
    if (*i + 1 >= argc)
        return -1;
    *value = argv[++*i];
    return 1;
}

static bool exp_parse_args(int argc, char **argv, exp_args *a)
{
    *a = (exp_args){0};
    for (int i = 1; i < argc; i++) {
        const char *value = NULL;
        int db = 0, out = 0;
        if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0) {
            a->help = true;
            continue;
        }
        if ((db = exp_take_option(argc, argv, &i, "--db", &value)) == 0)
            out = exp_take_option(argc, argv, &i, "--out", &value);
        if (db < 0 || out < 0) {
            fprintf(stderr, "qlq-export: %s needs a value\n", db < 0 ? "--db" : "--out");
            return false;
        }
        if (db == 0 && out == 0) {
            fprintf(stderr, "qlq-export: unknown argument '%s'\n", argv[i]);
            return false;
        }
        const char **slot = db ? &a->db : &a->out;
        if (*slot != NULL || value[0] == '\0') {
            fprintf(stderr, "qlq-export: %s is given twice or empty\n", db ? "--db" : "--out");
            return false;
        }
        *slot = value;
    }
    if (!a->help && (a->db == NULL || a->out == NULL)) {
        fprintf(stderr, "qlq-export: missing %s\n", a->db == NULL ? "--db FILE" : "--out DIR");
        return false;
    }
    return true;
}

static bool exp_check_db(const char *path, exp_error *e)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        if (errno == ENOENT)
            exp_fail(e, "the database %s does not exist", path);
        else
            exp_fail_errno(e, errno, "cannot read the database %s", path);
        return false;
    }
    if (!S_ISREG(st.st_mode)) {
        exp_fail(e, "the database %s is not a file", path);
        return false;
    }
    return true;
}

static bool exp_open_store(const char *path, store **st, exp_error *e)
{
    char detail[512] = "";
    store_status s = store_open(path, NULL, st, detail, sizeof detail);
    switch (s) {
    case STORE_OK: return true;
    case STORE_ERR_CORRUPT: exp_fail(e, "%s is not a database or is damaged (%s)", path, detail); break;
    case STORE_ERR_FOREIGN: exp_fail(e, "%s is a database, but not a qlq-kiosk one (%s)", path, detail); break;
    case STORE_ERR_TOO_NEW:
        exp_fail(e, "%s was written by a newer qlq-kiosk; use the qlq-export of that version (%s)", path, detail);
        break;
    case STORE_ERR_BUSY: exp_fail(e, "%s is locked by another program; try again (%s)", path, detail); break;
    default: exp_fail(e, "cannot open the database %s: %s (%s)", path, store_status_name(s), detail); break;
    }
    return false;
}

static bool exp_open_tables(exp_run *run)
{
    for (int t = 0; t < EXP_CSV_COUNT; t++) {
        run->tables[t] = exp_file_create(run->folder.dir_fd, exp_csv_file_name((exp_csv_table)t), &run->err);
        if (run->tables[t] == NULL || !exp_csv_header(run->tables[t], (exp_csv_table)t, &run->err))
            return false;
    }
    return true;
}

/* Files must be complete on disk before the manifest and the rename: finish them all here. */
static bool exp_finish_tables(exp_run *run)
{
    bool ok = true;
    for (int t = 0; t < EXP_CSV_COUNT; t++) {
        if (ok)
            ok = exp_file_finish(run->tables[t], &run->folder.manifest, &run->err);
        else
            exp_file_discard(run->tables[t]);
        run->tables[t] = NULL;
    }
    return ok;
}

static void exp_discard_tables(exp_run *run)
{
    for (int t = 0; t < EXP_CSV_COUNT; t++) {
        exp_file_discard(run->tables[t]);
        run->tables[t] = NULL;
    }
}

static bool exp_write_scores(exp_run *run, const store_session_row *s, const store_response_row *r, size_t n)
{
    int8_t answers[QLQ_ITEM_SLOTS] = {0};
    for (size_t i = 0; i < n; i++) {
        /* qlq_score treats values outside an item's scale as missing; keep int8_t from wrapping. */
        if (r[i].question_num >= QLQ_FIRST_ITEM && r[i].question_num <= QLQ_LAST_ITEM && r[i].score >= 1 &&
            r[i].score <= QLQ_MAX_OPTIONS)
            answers[r[i].question_num] = (int8_t)r[i].score;
    }
    qlq_scores scores;
    qlq_score(answers, &scores);
    return exp_csv_scores_row(run->tables[EXP_CSV_SCORES], s, &scores, &run->err);
}

static bool exp_write_fhir(exp_run *run, const store_session_row *s, const store_response_row *r, size_t n)
{
    char *json = exp_fhir_render(s, r, n);
    if (json == NULL) {
        exp_fail(&run->err, "out of memory while writing session %s", s->id);
        return false;
    }
    char rel[EXP_REL_LEN];
    snprintf(rel, sizeof rel, "fhir/%s.json", s->id);
    exp_file *f = exp_file_create(run->folder.dir_fd, rel, &run->err);
    bool ok = f != NULL && exp_file_puts(f, json, &run->err) && exp_file_puts(f, "\n", &run->err);
    free(json);
    if (!ok) {
        exp_file_discard(f);
        return false;
    }
    return exp_file_finish(f, &run->folder.manifest, &run->err);
}

static void exp_count(exp_run *run, const store_session_row *s, size_t n_responses)
{
    run->sessions++;
    run->responses += n_responses;
    const char *status = s->status != NULL ? s->status : "";
    run->submitted += strcmp(status, "submitted") == 0;
    run->incomplete += strcmp(status, "incomplete") == 0;
    run->in_progress += strcmp(status, "in_progress") == 0;
}

static int exp_visit(void *ctx, const store_session_row *s, const store_response_row *r, size_t n)
{
    exp_run *run = ctx;
    /* The id becomes a file name: anything but a UUID-like id could escape the folder. */
    if (!exp_id_valid(s->id)) {
        exp_fail(&run->err, "session number %zu has an invalid id; the database may be damaged", run->sessions + 1);
        return 1;
    }
    if (!exp_csv_session_row(run->tables[EXP_CSV_SESSIONS], s, &run->err))
        return 1;
    for (size_t i = 0; i < n; i++) {
        if (!exp_csv_response_row(run->tables[EXP_CSV_RESPONSES], &r[i], &run->err))
            return 1;
    }
    if (!exp_write_scores(run, s, r, n) || !exp_write_fhir(run, s, r, n))
        return 1;
    exp_count(run, s, n);
    return 0;
}

static bool exp_walk(store *st, exp_run *run)
{
    int visit_result = 0;
    store_status s = store_each_session(st, exp_visit, run, &visit_result);
    if (visit_result != 0 || exp_failed(&run->err))
        return false;
    if (s != STORE_OK) {
        exp_fail(&run->err, "cannot read the database: %s", store_error(st));
        return false;
    }
    return true;
}

static bool exp_export(const exp_args *a, exp_run *run)
{
    store *st = NULL;
    exp_folder_init(&run->folder);
    if (!exp_check_db(a->db, &run->err) || !exp_open_store(a->db, &st, &run->err))
        return false;
    bool ok = exp_folder_begin(&run->folder, a->out, (int64_t)time(NULL), &run->err) && exp_open_tables(run) &&
              exp_walk(st, run) && exp_finish_tables(run) && exp_folder_commit(&run->folder, &run->err);
    if (!ok) {
        exp_discard_tables(run);
        exp_folder_abort(&run->folder);
    }
    store_close(st);
    return ok;
}

int main(int argc, char **argv)
{
    exp_args args;
    if (!exp_parse_args(argc, argv, &args)) {
        fputs("Try 'qlq-export --help'.\n", stderr);
        return 1;
    }
    if (args.help) {
        fputs(EXP_USAGE, stdout);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    static exp_run run;
    bool ok = exp_export(&args, &run);
    if (ok) {
        printf("%s\n", run.folder.final_path);
        fprintf(stderr,
                "qlq-export: %zu sessions (%zu submitted, %zu incomplete, %zu in progress), %zu responses, "
                "%zu files listed in MANIFEST.sha256\n",
                run.sessions, run.submitted, run.incomplete, run.in_progress, run.responses,
                run.folder.manifest.count);
        ok = fflush(stdout) == 0;
        if (!ok)
            fprintf(stderr, "qlq-export: the export is complete but its path could not be printed\n");
    } else {
        fprintf(stderr, "qlq-export: %s\n", run.err.msg);
        fprintf(stderr, "qlq-export: nothing was exported\n");
    }
    exp_folder_free(&run.folder);
    return ok ? 0 : 1;
}
