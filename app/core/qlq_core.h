/*
 * qlq_core.h - the pure core of qlq-kiosk: questionnaire model, session flow, EORTC scoring.
 *
 * Nothing in app/core does I/O, reads a clock or allocates behind the caller's back except where a
 * function says so (the questionnaire owns its strings). Time comes in with each event. The build
 * refuses any #include here that is not part of the C library (see cmake/check_core_includes.cmake).
 */
#ifndef QLQ_CORE_H
#define QLQ_CORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* ------------------------------------------------------------------------------------------------
 * Questionnaire model
 * ---------------------------------------------------------------------------------------------- */

enum {
    QLQ_CHECK_ITEM = 0,  /* item 0: the audio and microphone check */
    QLQ_FIRST_ITEM = 1,
    QLQ_LAST_ITEM = 30,
    QLQ_ITEM_SLOTS = 31, /* arrays indexed by item number 0..30 */
    QLQ_MAX_OPTIONS = 7,
};

typedef enum {
    QLQ_SCALE_CHECK = 0, /* item 0: ok / skip */
    QLQ_SCALE_4 = 4,     /* Pas du tout / Un peu / Assez / Beaucoup */
    QLQ_SCALE_7 = 7,     /* 1..7, Très mauvais .. Excellent */
} qlq_scale;

typedef struct {
    int number;                        /* 0..30 */
    qlq_scale scale;
    char *text;                        /* shown on screen */
    char *speech;                      /* read aloud (may differ from text: no abbreviations) */
    char *options[QLQ_MAX_OPTIONS];    /* label of answer value v at options[v-1]; NULL past scale */
    char *anchor_low;                  /* 7-point items: label of 1 ("Très mauvais"); else NULL */
    char *anchor_high;                 /* 7-point items: label of 7 ("Excellent"); else NULL */
} qlq_item;

/* Every user-facing string that is not an item. The data file must define each key exactly once. */
typedef enum {
    QLQ_MSG_WELCOME,
    QLQ_MSG_CONSENT,
    QLQ_MSG_INITIALS,
    QLQ_MSG_BIRTH_DATE,
    QLQ_MSG_MODE,
    QLQ_MSG_MODE_CONTINUOUS,
    QLQ_MSG_MODE_MANUAL,
    QLQ_MSG_AUDIO,
    QLQ_MSG_YES,
    QLQ_MSG_NO,
    QLQ_MSG_BACK,
    QLQ_MSG_SKIP,
    QLQ_MSG_REPEAT,
    QLQ_MSG_CHECK_OK,
    QLQ_MSG_REVIEW,
    QLQ_MSG_REVIEW_MISSING,
    QLQ_MSG_REVIEW_COMPLETE,
    QLQ_MSG_SUBMIT,
    QLQ_MSG_THANKS,
    QLQ_MSG_DECLINED,
    QLQ_MSG_SAVED,
    QLQ_MSG_SAVE_FAILED,
    QLQ_MSG_IDLE_WARNING,
    QLQ_MSG_TIMED_OUT,
    QLQ_MSG_RESUMED,
    QLQ_MSG_ERR_YES_NO,
    QLQ_MSG_ERR_INITIALS,
    QLQ_MSG_ERR_DATE_FORMAT,
    QLQ_MSG_ERR_DATE_FUTURE,
    QLQ_MSG_ERR_MODE,
    QLQ_MSG_ERR_ANSWER,
    QLQ_MSG_ERR_REVIEW,
    QLQ_MSG_ERR_NOT_NOW,
    QLQ_MSG_NOT_UNDERSTOOD,  /* voice: nothing usable heard, please repeat */
    QLQ_MSG_TOUCH_INSTEAD,   /* voice: after the retries, touch the answer */
    QLQ_MSG_YOU_ANSWERED,    /* voice: spoken before the option label ("Vous avez répondu :") */
    QLQ_MSG_CONFIRM,         /* voice: "is that right? say yes or no" */
    QLQ_MSG_CHECK_NOISY,     /* item 0: the room is too loud, touch mode advised */
    QLQ_MSG_CHECK_FAILED,    /* item 0: the microphone heard nothing, touch mode advised */
    QLQ_MSG_SCALE7_HINT,     /* spoken after items 29 and 30: how to answer from 1 to 7 */
    QLQ_MSG_ANSWER_WITH,     /* voice: before the four labels when an answer was not understood */
    QLQ_MSG_COUNT
} qlq_msg;

/* The key of a message in the data file ("welcome", "err_initials", ...). */
const char *qlq_msg_key(qlq_msg msg);
/* The message whose key is `key`, or -1. */
int qlq_msg_from_key(const char *key);

typedef struct {
    char language[3];                  /* "fr" | "en" */
    char *title;
    char *version;                     /* "3.0" */
    char *time_frame;                  /* "Au cours de la semaine passée :" */
    int time_frame_first_item;         /* first item the time frame header applies to */
    qlq_item items[QLQ_ITEM_SLOTS];    /* items[n].number == n */
    char *messages[QLQ_MSG_COUNT];
} qlq_questionnaire;

/* Frees every string of `q` (all are malloc'd) and zeroes it. Safe on a zeroed struct. */
void qlq_questionnaire_free(qlq_questionnaire *q);
const char *qlq_message(const qlq_questionnaire *q, qlq_msg msg);
/* True when `s[0..len)` is well-formed UTF-8 (no overlongs, no surrogates, <= U+10FFFF). */
bool qlq_utf8_valid(const char *s, size_t len);
/* The scale the EORTC QLQ-C30 v3.0 gives item `number` (0..30). */
qlq_scale qlq_item_scale(int number);

/* ------------------------------------------------------------------------------------------------
 * EORTC scoring (Scoring Manual, 3rd edition) and the summary score (Giesinger et al. 2016)
 * ---------------------------------------------------------------------------------------------- */

typedef enum {
    QLQ_QL2, QLQ_PF2, QLQ_RF2, QLQ_EF, QLQ_CF, QLQ_SF,
    QLQ_FA, QLQ_NV, QLQ_PA, QLQ_DY, QLQ_SL, QLQ_AP, QLQ_CO, QLQ_DI, QLQ_FI,
    QLQ_SCORE_SCALES,  /* 15 */
    QLQ_SUM = QLQ_SCORE_SCALES, /* the summary score */
    QLQ_SCORE_COUNT    /* 16 */
} qlq_score_id;

typedef struct {
    double value[QLQ_SCORE_COUNT];
    bool present[QLQ_SCORE_COUNT]; /* false: not computable (fewer than half the items answered) */
} qlq_scores;

/* answers[n] is item n's answer (1..4, or 1..7 for 29 and 30); 0 = missing. answers[0] is ignored.
 * Values outside an item's scale are treated as missing; validate input before scoring it. */
void qlq_score(const int8_t answers[QLQ_ITEM_SLOTS], qlq_scores *out);
/* "QL2", "PF2", ..., "FI", "SUM" */
const char *qlq_score_name(qlq_score_id id);

/* ------------------------------------------------------------------------------------------------
 * Session flow: a pure state machine. Events in, new state and effects out.
 *
 * The state is a plain value (no pointers): copy it to keep history. Writes that must be durable
 * before the patient is told ("saved") are requested by an effect and then the machine waits
 * (pending) for QLQ_EV_COMMITTED or QLQ_EV_COMMIT_FAILED; only then does it acknowledge.
 * ---------------------------------------------------------------------------------------------- */

enum { QLQ_UUID_LEN = 36, QLQ_TEXT_MAX = 256, QLQ_MAX_EFFECTS = 8 };

typedef enum {
    QLQ_STEP_WELCOME,
    QLQ_STEP_CONSENT,
    QLQ_STEP_INITIALS,
    QLQ_STEP_BIRTH_DATE,
    QLQ_STEP_MODE,
    QLQ_STEP_AUDIO,
    QLQ_STEP_ITEM,      /* item 0..30, see qlq_session.item */
    QLQ_STEP_REVIEW,
    QLQ_STEP_SUBMITTED, /* thank-you screen; QLQ_EV_CONTINUE clears it */
    QLQ_STEP_DECLINED,  /* consent refused; QLQ_EV_CONTINUE clears it */
} qlq_step;

typedef enum { QLQ_MODE_CONTINUOUS, QLQ_MODE_MANUAL } qlq_mode;
typedef enum { QLQ_SOURCE_TOUCH, QLQ_SOURCE_VOICE, QLQ_SOURCE_KEYBOARD, QLQ_SOURCE_SYSTEM } qlq_source;
/* The audit trail's actions (answer_events.action). */
typedef enum { QLQ_ACTION_ANSWER, QLQ_ACTION_CHANGE, QLQ_ACTION_SKIP, QLQ_ACTION_TIMEOUT, QLQ_ACTION_SUBMIT } qlq_action;

typedef struct {
    int year, month, day;
} qlq_date;

/* What the recogniser listens for. */
typedef enum { QLQ_GRAMMAR_YESNO = 2, QLQ_GRAMMAR_SCALE4 = 4, QLQ_GRAMMAR_SCALE7 = 7 } qlq_grammar;

typedef struct {
    int64_t idle_warning_ms; /* default 3 minutes */
    int64_t idle_timeout_ms; /* default 5 minutes */
    int64_t thanks_ms;       /* the thank-you / declined screen clears itself after this; default 20 s */
    float voice_confident;   /* a spoken answer at or above this confidence is stored at once; default 0.75 */
    int voice_retries;       /* "please repeat" at most this often, then "please touch"; default 2 */
    int listen_ms;           /* how long to wait for speech to start; default 8 s */
    int confirm_window_ms;   /* after a confident answer, how long "non" can still undo it; 0 = no window */
    float check_min_snr_db;  /* item 0: below this signal-to-noise ratio, touch mode is advised; default 12 */
    /* item 0 in a room of people talking (its sound this unsteady or more, default 3 dB: chatter 4-7,
     * steady noise under 1): touch is advised below this SNR instead, default 20 dB. Chatter measures
     * 14-18 dB where the words are only 10 dB over it, and voice then hears 38 % of the answers. */
    float check_chatter_unsteady_db;
    float check_chatter_min_snr_db;
} qlq_config;

void qlq_config_default(qlq_config *cfg);
/* Whether the room heard at item 0 drowns spoken answers, so that touch is advised: its words under
 * check_min_snr_db over it, or under check_chatter_min_snr_db when people talk in it (its sound
 * check_chatter_unsteady_db unsteady or more; audio_room in audio/qlq_audio.h). */
bool qlq_room_drowns_voice(const qlq_config *cfg, float snr_db, float noise_unsteady_db);

/* Item answer states in qlq_session.answers */
enum { QLQ_ANSWER_NONE = 0, QLQ_ANSWER_SKIPPED = -1 };

typedef enum {
    QLQ_PENDING_NONE,
    QLQ_PENDING_CREATE,   /* sessions row */
    QLQ_PENDING_CHECK,    /* item 0 result */
    QLQ_PENDING_ANSWER,
    QLQ_PENDING_SKIP,
    QLQ_PENDING_SUBMIT,
    QLQ_PENDING_TIMEOUT,  /* closing as incomplete after the idle timeout */
} qlq_pending;

/* Listening in CONTINUOUS mode with audio on. */
typedef enum {
    QLQ_VOICE_OFF,      /* not listening: manual mode, or the retries are used up */
    QLQ_VOICE_ANSWER,   /* listening for the item's answer or a command */
    QLQ_VOICE_CONFIRM,  /* a low-confidence answer was read back: listening for yes/no */
    QLQ_VOICE_WINDOW,   /* a confident answer was stored and read back: "non" still undoes it */
    QLQ_VOICE_CHECK,    /* item 0: listening for "oui" and measuring the room */
} qlq_voice;

typedef struct {
    qlq_config cfg;
    qlq_step step;
    int item;                         /* current item when step == QLQ_STEP_ITEM */
    bool from_review;                 /* item opened from the review: answering returns there */
    qlq_pending pending;
    int pending_item;
    int pending_value;                /* answer awaiting commit */
    bool session_created;             /* the sessions row exists */
    char session_id[QLQ_UUID_LEN + 1];
    char initials[5];
    qlq_date birth_date;
    qlq_date today;
    qlq_mode mode;
    bool audio;
    int8_t answers[QLQ_ITEM_SLOTS];   /* 1..7, QLQ_ANSWER_NONE or QLQ_ANSWER_SKIPPED; [0] is the check */
    int64_t last_activity_ms;         /* monotonic */
    bool idle_warned;
    qlq_voice voice;
    int voice_tries;                  /* "please repeat" said for this item so far */
    int voice_value;                  /* the answer awaiting yes/no in QLQ_VOICE_CONFIRM */
    float voice_confidence;
    char voice_transcript[64];
    bool read_back_on_commit;         /* the pending answer is a confident spoken one: read it back */
    bool advise_touch_on_commit;      /* the pending item 0 result advises touch mode */
} qlq_session;

typedef enum {
    QLQ_EV_START,         /* welcome touched: .session_id (fresh UUID), .today */
    QLQ_EV_CONSENT,       /* .value 1 = yes, 0 = no */
    QLQ_EV_INITIALS,      /* .text */
    QLQ_EV_BIRTH_DATE,    /* .text "YYYY-MM-DD" */
    QLQ_EV_MODE,          /* .value qlq_mode */
    QLQ_EV_AUDIO,         /* .value 1 = on, 0 = off */
    QLQ_EV_ANSWER,        /* .value; .source, .text = transcript, .confidence. On item 0: the check passed */
    QLQ_EV_BACK,
    QLQ_EV_SKIP,
    QLQ_EV_REPEAT,
    QLQ_EV_GOTO,          /* .value = item number, from the review */
    QLQ_EV_SUBMIT,
    QLQ_EV_COMMITTED,     /* the pending write is durable */
    QLQ_EV_COMMIT_FAILED, /* the pending write failed: nothing was stored */
    QLQ_EV_TICK,          /* time passed (only .mono_ms matters) */
    QLQ_EV_CONTINUE,      /* thank-you / declined screen dismissed */
    QLQ_EV_CONFIRM,       /* .value 1 = yes, 0 = no: to a read-back answer */
    QLQ_EV_HEARD_NOTHING, /* the recogniser rejected what it heard, or heard no speech in time */
    QLQ_EV_CHECK_HEARD,   /* item 0: .value 1 = "oui" heard; .level_db, .snr_db measured */
    QLQ_EV_CANNOT_LISTEN, /* the microphone would not start (none, unplugged): asking again cannot help */
} qlq_event_type;

typedef struct {
    qlq_event_type type;
    int64_t mono_ms;                  /* monotonic clock, for idle timeouts */
    int64_t wall_ms;                  /* Unix time in ms, for the audit trail */
    int value;
    qlq_source source;
    bool has_confidence;
    float confidence;                 /* 0..1 */
    bool must_confirm;                /* a spoken answer to confirm whatever its confidence (whispered) */
    char text[QLQ_TEXT_MAX];
    char session_id[QLQ_UUID_LEN + 1];
    qlq_date today;
    float level_db;                   /* QLQ_EV_CHECK_HEARD: speech level, dBFS */
    float snr_db;                     /* QLQ_EV_CHECK_HEARD: signal-to-noise ratio, dB */
    float noise_unsteady_db;          /* QLQ_EV_CHECK_HEARD: how unsteady the room's sound is, dB
                                       * (audio_room.unsteady_db: people talking 4-7, a fan under 1) */
    float echo_ms;                    /* QLQ_EV_CHECK_HEARD: how long the words' sound took to die away,
                                       * ms (over 250: a room with echo); 0 when it could not be told */
} qlq_event;

typedef enum {
    QLQ_REFUSE_NONE,
    QLQ_REFUSE_YES_NO,       /* expected yes or no */
    QLQ_REFUSE_INITIALS,     /* 1-4 letters */
    QLQ_REFUSE_DATE_FORMAT,  /* not a valid YYYY-MM-DD date */
    QLQ_REFUSE_DATE_FUTURE,  /* not in the past */
    QLQ_REFUSE_MODE,
    QLQ_REFUSE_ANSWER,       /* outside the item's scale */
    QLQ_REFUSE_REVIEW,       /* no such item */
    QLQ_REFUSE_NOT_NOW,      /* the event makes no sense in this step, or a write is pending */
} qlq_refusal;

/* The user-facing message explaining a refusal. */
qlq_msg qlq_refusal_msg(qlq_refusal r);

typedef enum {
    QLQ_FX_SHOW,            /* draw the current step (the state holds everything needed) */
    QLQ_FX_SPEAK,           /* read .item aloud (item >= 0) or .msg (item < 0) */
    QLQ_FX_SPEAK_ANSWER,    /* read back answer .value of .item: "Vous avez répondu : assez" */
    QLQ_FX_SPEAK_OPTIONS,   /* say how to answer .item, without its question: "Répondez par : pas du
                               tout, un peu, assez, beaucoup." or the 1-to-7 hint */
    QLQ_FX_LISTEN,          /* after the speech queued so far: listen for .value (qlq_grammar) during
                               .listen_ms; on item 0 (.item == 0) also measure level and noise */
    QLQ_FX_STOP_AUDIO,      /* interrupt speech and listening */
    QLQ_FX_CREATE_SESSION,  /* write the sessions row from the state: pending */
    QLQ_FX_SAVE_CHECK,      /* item 0 result .value (1 ok, 0 skipped, -1 failed), .measured, .level_db,
                               .snr_db, .noise_unsteady_db, .echo_ms, .advise_touch: pending */
    QLQ_FX_SAVE_ANSWER,     /* .item .value .action (ANSWER|CHANGE) .source .text .confidence: pending */
    QLQ_FX_SAVE_SKIP,       /* .item .source: pending */
    QLQ_FX_SUBMIT_SESSION,  /* pending */
    QLQ_FX_CLOSE_INCOMPLETE,/* idle timeout: close the session as incomplete: pending */
    QLQ_FX_ACK,             /* the pending write of .item committed; .value = answer or QLQ_ANSWER_SKIPPED */
    QLQ_FX_SUBMITTED,       /* the session is submitted (committed) */
    QLQ_FX_REFUSE,          /* input refused: .refusal; nothing stored */
    QLQ_FX_SAVE_FAILED,     /* the pending write failed: the same question is asked again */
    QLQ_FX_IDLE_WARNING,
    QLQ_FX_CLEAR,           /* wipe the previous patient's data from the screen */
    QLQ_FX_STARTED,         /* the sessions row committed: the session exists */
    QLQ_FX_NOTICE,          /* show .msg to the patient (it is also spoken when audio is on) */
} qlq_effect_type;

typedef struct {
    qlq_effect_type type;
    int item;
    int value;
    qlq_msg msg;
    qlq_action action;
    qlq_source source;
    qlq_refusal refusal;
    bool has_confidence;
    float confidence;
    int64_t wall_ms;
    int listen_ms;
    bool measured;
    bool advise_touch;
    float level_db;
    float snr_db;
    float noise_unsteady_db;
    float echo_ms;
    char text[QLQ_TEXT_MAX];
} qlq_effect;

typedef struct {
    size_t count;
    qlq_effect items[QLQ_MAX_EFFECTS];
} qlq_effects;

void qlq_session_init(qlq_session *s, const qlq_config *cfg);
/* Applies `ev` to `s` and appends what must happen to `fx` (cleared first). */
void qlq_session_step(qlq_session *s, const qlq_event *ev, qlq_effects *fx);

/* What storage knows about an unfinished session, to continue it after a restart. */
typedef struct {
    char session_id[QLQ_UUID_LEN + 1];
    char initials[5];
    qlq_date birth_date;
    qlq_date today;
    qlq_mode mode;
    bool audio;
    int8_t answers[QLQ_ITEM_SLOTS];
    int last_item;                    /* item of the last answer/change/skip; -1 when none */
} qlq_resume;

/* Puts `s` on the item after the last answered or skipped one (the review after item 30), and
 * appends the effects to show it. */
void qlq_session_resume(qlq_session *s, const qlq_config *cfg, const qlq_resume *r, int64_t mono_ms,
                        qlq_effects *fx);

/* Items 1..30 without an answer (skipped or never answered), ascending; returns how many. */
int qlq_session_missing(const qlq_session *s, int out[QLQ_LAST_ITEM]);

/* "YYYY-MM-DD" -> date; false when malformed or not a calendar date. */
bool qlq_date_parse(const char *text, qlq_date *out);
/* -1, 0, 1 */
int qlq_date_compare(qlq_date a, qlq_date b);
/* Writes "YYYY-MM-DD" (11 bytes with the NUL). */
void qlq_date_format(qlq_date d, char out[11]);

const char *qlq_action_name(qlq_action a); /* "ANSWER", ... */
const char *qlq_source_name(qlq_source s); /* "TOUCH", "VOICE", "KEYBOARD", "SYSTEM" */
const char *qlq_mode_name(qlq_mode m);     /* "CONTINUOUS", "MANUAL" */

#endif
