/* The kiosk's voice: queued speech on the audio device, then listening with the recogniser. */
#include "speech.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "log.h"
#include "voice_event.h"

enum {
    QUEUE_MAX = 8,
    SPOKEN_MAX = 2048,
    CHUNK = AUDIO_RATE / 10,     /* 100 ms per read */
    HEARD_MAX = AUDIO_RATE * 30, /* the item 0 check keeps at most 30 s to measure */
    /* a live microphone gives sound every few ms, silence included: this long without any means it
     * was unplugged or its stream stalled, and the endpointer, which counts samples, would wait forever */
    MIC_STALL_MS = 2000,
    /* while an item is read: the microphone without the speaker, kept this long, so that an answer
     * said over it is decoded from before the moment it was told apart from the echo */
    OVER_KEEP = AUDIO_RATE * 3,
    OVER_CAPACITY = 2 * OVER_KEEP, /* trimmed back to OVER_KEEP when full: one move per 3 s, not per read */
    BEFORE_ONSET = AUDIO_RATE * 2 / 10,
    /* read while the item is read: 20 ms at a time, so that the reading stops soon after a voice is
     * told over it (with 100 ms reads, 4 of 320 answers said over it were misheard and accepted in
     * bench_bargein, 0 with 20 ms) */
    OVER_CHUNK = AUDIO_RATE / 50,
};

static int64_t mono_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

struct speech {
    audio_device *dev;
    tts *voice;
    asr *recogniser;
    const qlq_questionnaire *q;
    asr_lang lang;
    char queue[QUEUE_MAX][SPOKEN_MAX];
    size_t head, queued;
    bool listen_wanted;
    qlq_grammar grammar;
    int listen_item;
    int listen_ms;
    asr_stream *stream;
    int16_t *heard; /* what this listen captured, for item 0's level and noise measurement */
    size_t heard_len;
    int64_t last_sound_ms; /* when the microphone last gave samples (or listening began) */
    char last_speak_error[256];
    /* Listening while the item is read, on a device that tells what its speaker played: the patient
     * may answer over it ("pas du tout" right after the question, over the list of choices). */
    audio_echo *echo;     /* the canceller: made at the first such turn, kept (the room stays the same) */
    bool over_active;     /* the turn's prompt is playing and heard through `echo` */
    bool over_refused;    /* the microphone would not start with the prompt: tried again after it */
    int16_t *over;        /* its output: the microphone without the speaker, the last OVER_KEEP samples or more */
    size_t over_len;
    size_t over_dropped;  /* output samples no longer in `over` */
    bool spoke_over;      /* the patient's voice was heard over the speaker: the stream hears `echo`'s output */
};

speech *speech_create(audio_device *dev, tts *voice, asr *recogniser, const qlq_questionnaire *q)
{
    speech *sp = calloc(1, sizeof *sp);
    if (!sp)
        return NULL;
    sp->heard = malloc(HEARD_MAX * sizeof *sp->heard);
    sp->over = malloc((OVER_CAPACITY + CHUNK + AUDIO_RATE / 100) * sizeof *sp->over);
    if (!sp->heard || !sp->over) {
        free(sp->heard);
        free(sp->over);
        free(sp);
        return NULL;
    }
    sp->dev = dev;
    sp->voice = voice;
    sp->recogniser = recogniser;
    sp->q = q;
    sp->lang = strcmp(q->language, "en") == 0 ? ASR_LANG_EN : ASR_LANG_FR;
    return sp;
}

static void stop_listening(speech *sp)
{
    if (sp->stream || sp->over_active)
        sp->dev->ops->capture_stop(sp->dev);
    asr_stream_free(sp->stream);
    sp->stream = NULL;
    sp->over_active = false;
    sp->spoke_over = false;
    sp->listen_wanted = false;
}

void speech_destroy(speech *sp)
{
    if (!sp)
        return;
    stop_listening(sp);
    free(sp->heard);
    free(sp->over);
    audio_echo_destroy(sp->echo);
    free(sp);
}

static void enqueue(speech *sp, const char *a, const char *b, const char *c)
{
    if (sp->queued == QUEUE_MAX) {
        qlq_log("speech queue full: an utterance was dropped");
        return;
    }
    char *slot = sp->queue[(sp->head + sp->queued) % QUEUE_MAX];
    snprintf(slot, SPOKEN_MAX, "%s%s%s%s%s", a, b ? " " : "", b ? b : "", c ? " " : "", c ? c : "");
    sp->queued++;
}

/* How to answer an item: the four labels, or the 1-to-7 hint ("" for an item without a scale). */
static void item_options(const speech *sp, int item, char *options, size_t size)
{
    const qlq_item *it = &sp->q->items[item];
    options[0] = '\0';
    if (it->scale == QLQ_SCALE_4) {
        for (int v = 0; v < 4; v++) {
            strncat(options, it->options[v], size - strlen(options) - 3);
            strcat(options, v < 3 ? ", " : ".");
        }
    } else if (it->scale == QLQ_SCALE_7) {
        snprintf(options, size, "%s", qlq_message(sp->q, QLQ_MSG_SCALE7_HINT));
    }
}

/* The item's spoken text followed by how to answer it. */
static void say_item(speech *sp, int item)
{
    const qlq_item *it = &sp->q->items[item];
    char options[512];
    item_options(sp, item, options, sizeof options);
    const char *frame = item == sp->q->time_frame_first_item ? sp->q->time_frame : NULL;
    if (frame)
        enqueue(sp, frame, it->speech, options[0] ? options : NULL);
    else
        enqueue(sp, it->speech, options[0] ? options : NULL, NULL);
}

void speech_effect(speech *sp, const qlq_effect *fx)
{
    switch (fx->type) {
    case QLQ_FX_SPEAK:
        if (fx->item >= 0)
            say_item(sp, fx->item);
        else
            enqueue(sp, qlq_message(sp->q, fx->msg), NULL, NULL);
        break;
    case QLQ_FX_SPEAK_OPTIONS: {
        char options[512];
        item_options(sp, fx->item, options, sizeof options);
        if (sp->q->items[fx->item].scale == QLQ_SCALE_4)
            enqueue(sp, qlq_message(sp->q, QLQ_MSG_ANSWER_WITH), options, NULL);
        else if (options[0])
            enqueue(sp, options, NULL, NULL);
        break;
    }
    case QLQ_FX_SPEAK_ANSWER:
        enqueue(sp, qlq_message(sp->q, QLQ_MSG_YOU_ANSWERED), sp->q->items[fx->item].options[fx->value - 1], NULL);
        break;
    case QLQ_FX_LISTEN:
        stop_listening(sp);
        sp->listen_wanted = sp->recogniser != NULL;
        sp->over_refused = false;
        sp->grammar = (qlq_grammar)fx->value;
        sp->listen_item = fx->item;
        sp->listen_ms = fx->listen_ms;
        break;
    case QLQ_FX_STOP_AUDIO:
        sp->queued = 0;
        sp->dev->ops->play_stop(sp->dev);
        stop_listening(sp);
        break;
    default:
        break;
    }
}

bool speech_busy(const speech *sp)
{
    return sp->queued > 0 || sp->listen_wanted || sp->dev->ops->playing(sp->dev);
}

/* The room around the words of item 0 (qlq_audio.h): how loud, how noisy, and whether people talk. */
static void measure_room(const speech *sp, qlq_event *ev)
{
    audio_room room;
    audio_measure_room(sp->heard, sp->heard_len, AUDIO_RATE, &room);
    ev->level_db = (float)room.level_dbfs;
    ev->snr_db = (float)room.snr_db;
    ev->noise_unsteady_db = (float)room.unsteady_db;
    qlq_log("microphone check: the words at %.1f dBFS, %.1f dB over the room, whose sound is %.1f dB unsteady "
            "(people talking: 3 dB or more)",
            room.level_dbfs, room.snr_db, room.unsteady_db);
}

static asr_grammar asr_grammar_of(qlq_grammar g)
{
    return g == QLQ_GRAMMAR_YESNO ? ASR_GRAMMAR_YESNO : g == QLQ_GRAMMAR_SCALE7 ? ASR_GRAMMAR_SCALE7 : ASR_GRAMMAR_SCALE4;
}

static void to_event(const speech *sp, const asr_result *r, bool timed_out, qlq_event *ev)
{
    voice_event_of(r, sp->listen_item == QLQ_CHECK_ITEM, timed_out, ev);
    if (ev->type == QLQ_EV_CHECK_HEARD)
        measure_room(sp, ev);
}

static const char *grammar_name(qlq_grammar g)
{
    return g == QLQ_GRAMMAR_YESNO ? "yes or no" : g == QLQ_GRAMMAR_SCALE7 ? "1 to 7" : "1 to 4";
}

static bool open_stream(speech *sp)
{
    asr_endpoint_config ep;
    asr_endpoint_defaults(&ep);
    if (sp->listen_ms > 0)
        ep.start_timeout_ms = sp->listen_ms;
    char err[256];
    sp->stream = asr_stream_start(sp->recogniser, sp->lang, asr_grammar_of(sp->grammar), &ep, err, sizeof err);
    if (!sp->stream)
        qlq_log("cannot listen: %s", err);
    return sp->stream != NULL;
}

static bool start_listening(speech *sp)
{
    if (!open_stream(sp) || sp->dev->ops->capture_start(sp->dev) != AUDIO_OK) {
        if (sp->stream)
            qlq_log("cannot listen: the microphone did not start");
        asr_stream_free(sp->stream);
        sp->stream = NULL;
        sp->listen_wanted = false;
        return false;
    }
    sp->heard_len = 0;
    sp->last_sound_ms = mono_ms();
    /* with "recogniser decided", the time the patient took to answer, and the turn's grammar */
    qlq_log("listening (%s)", grammar_name(sp->grammar));
    return true;
}

/* The answer itself is patient data: only its kind goes to the log, with what the recogniser
 * noticed of the room. */
static void log_decision(const asr_result *r)
{
    /* steady tones are mains hum above all: worth a look at the microphone's cable and power */
    char tones[64] = "";
    if (r->tones_removed > 0)
        snprintf(tones, sizeof tones, ", %d steady tone%s (hum?) taken out", r->tones_removed,
                 r->tones_removed == 1 ? "" : "s");
    /* a room with echo costs answers asked again: worth moving the kiosk or softening the walls */
    char echo[64] = "";
    if (r->echoing)
        snprintf(echo, sizeof echo, ", in echo (the sound took %.0f ms to die away)", r->decay_ms);
    qlq_log("recogniser decided: %s (confidence %.2f, %.0f ms of speech, decoded in %.0f ms by %d model%s%s%s%s%s%s%s)",
            r->kind == ASR_ANSWER ? "an answer" : asr_kind_name(r->kind, 0), r->confidence, r->speech_ms,
            r->decode_ms, r->models, r->models == 1 ? "" : "s", r->whispered ? ", whispered" : "",
            r->said_more ? ", more was said than the phrase heard" : "", echo,
            r->tempo > 1.0 ? ", said slowly and re-paced" : "", r->decoded_in_silence ? ", ready at the end of speech" : "",
            tones);
}

/* The event for a turn that ended without a decision (`type` HEARD_NOTHING: the core asks again),
 * or that could not begin (CANNOT_LISTEN: no microphone, the core goes on by touch). */
static bool voice_failed(qlq_event *ev, qlq_event_type type)
{
    memset(ev, 0, sizeof *ev);
    ev->type = type;
    ev->source = QLQ_SOURCE_VOICE;
    return true;
}

/* The turn ends with the recogniser's decision `r`. */
static bool decided(speech *sp, const asr_result *r, bool timed_out, qlq_event *ev)
{
    to_event(sp, r, timed_out, ev);
    log_decision(r);
    stop_listening(sp);
    return true;
}

/* Feeds the stream; the decision when it reached one. */
static const asr_result *feed_stream(speech *sp, const int16_t *samples, size_t n, bool *timed_out)
{
    size_t keep = n < HEARD_MAX - sp->heard_len ? n : HEARD_MAX - sp->heard_len;
    memcpy(sp->heard + sp->heard_len, samples, keep * sizeof *samples);
    sp->heard_len += keep;
    asr_ep_event e = asr_stream_feed(sp->stream, samples, n);
    *timed_out = e == ASR_EP_TIMEOUT;
    return e == ASR_EP_END || e == ASR_EP_TIMEOUT ? asr_stream_result(sp->stream) : NULL;
}

/* Reads the microphone through the echo canceller: `out` (CHUNK + a frame) gets what it heard
 * without the speaker, in whole 10 ms frames. */
static size_t read_over(speech *sp, int16_t *out)
{
    int16_t mic[CHUNK], played[CHUNK];
    size_t n = sp->dev->ops->capture_read_echo(sp->dev, mic, played, sp->over_active ? OVER_CHUNK : CHUNK, 5);
    if (n == 0)
        return 0;
    sp->last_sound_ms = mono_ms();
    return audio_echo_process(sp->echo, mic, played, n, out);
}

/* Feeds what the microphone has; true with *ev when the recogniser decided. */
static bool listen_some(speech *sp, qlq_event *ev)
{
    int16_t buf[CHUNK + AUDIO_RATE / 100];
    size_t n = sp->spoke_over ? read_over(sp, buf) : sp->dev->ops->capture_read(sp->dev, buf, CHUNK, 5);
    const asr_result *r = NULL;
    bool timed_out = false;
    if (n > 0) {
        sp->last_sound_ms = mono_ms();
        r = feed_stream(sp, buf, n, &timed_out);
    } else if (sp->dev->ops->capture_at_end(sp->dev)) {
        r = asr_stream_finish(sp->stream);
        timed_out = r && r->speech_ms <= 0;
    } else if (mono_ms() - sp->last_sound_ms > MIC_STALL_MS) {
        /* heard nothing: the core asks again (a new capture, which may revive the stream), then
         * invites a touch; half an answer cut by the failure is not taken */
        qlq_log("the microphone gave no sound for %d ms (unplugged, or its stream stalled): listening stopped",
                MIC_STALL_MS);
        stop_listening(sp);
        return voice_failed(ev, QLQ_EV_HEARD_NOTHING);
    }
    return r ? decided(sp, r, timed_out, ev) : false;
}

/* ---- listening while the item is read ------------------------------------------------------ */

/* Item 0 measures the room and the patient's voice after its sentence: it is not talked over, but its
 * reading teaches the canceller the room, so that item 1 can be answered over its own. (Cold, the
 * canceller had taken 5 dB off the speaker 1.5 s into item 1, and an answer said there was refused.) */
static bool can_listen_over(const speech *sp)
{
    return sp->dev->ops->capture_read_echo != NULL;
}

static bool may_talk_over(const speech *sp)
{
    return sp->listen_item != QLQ_CHECK_ITEM;
}

/* The turn's capture starts with its prompt, through the echo canceller. */
static bool start_listening_over(speech *sp)
{
    if (!sp->echo)
        sp->echo = audio_echo_create();
    if (!sp->echo || sp->dev->ops->capture_start(sp->dev) != AUDIO_OK) {
        if (!sp->echo)
            qlq_log("cannot listen while the item is read: out of memory");
        return false;
    }
    sp->over_active = true;
    int16_t none[1];
    sp->dev->ops->capture_read_echo(sp->dev, none, none, 0, 0); /* before the prompt plays: see qlq_audio.h */
    audio_echo_listen_afresh(sp->echo);
    sp->over_len = 0;
    sp->over_dropped = audio_echo_position(sp->echo);
    sp->heard_len = 0;
    sp->last_sound_ms = mono_ms();
    qlq_log(may_talk_over(sp) ? "listening while the item is read (%s)"
                              : "listening after the item is read (%s); its echo is learnt meanwhile",
            grammar_name(sp->grammar));
    return true;
}

/* Keeps the canceller's output: at least the last OVER_KEEP samples. */
static void keep_over(speech *sp, const int16_t *out, size_t n)
{
    if (sp->over_len + n > OVER_CAPACITY) {
        size_t drop = sp->over_len + n - OVER_KEEP;
        memmove(sp->over, sp->over + drop, (sp->over_len - drop) * sizeof *sp->over);
        sp->over_len -= drop;
        sp->over_dropped += drop;
    }
    memcpy(sp->over + sp->over_len, out, n * sizeof *out);
    sp->over_len += n;
}

/* The patient answered over the prompt: the reading stops, and the recogniser hears the answer from
 * a little before the moment it was told apart from the echo, then what follows. */
static bool hear_over(speech *sp, size_t onset, bool prompt_ended, qlq_event *ev)
{
    if (!prompt_ended) {
        sp->queued = 0;
        sp->dev->ops->play_stop(sp->dev);
    }
    qlq_log("the patient spoke over the speaker%s (its echo brought down %.0f dB)",
            prompt_ended ? " as it ended" : ": reading stopped", audio_echo_reduction_db(sp->echo));
    if (!open_stream(sp)) {
        stop_listening(sp);
        return voice_failed(ev, QLQ_EV_CANNOT_LISTEN);
    }
    sp->spoke_over = true;
    size_t from = onset > BEFORE_ONSET ? onset - BEFORE_ONSET : 0;
    if (from < sp->over_dropped)
        from = sp->over_dropped;
    bool timed_out = false;
    const asr_result *r = feed_stream(sp, sp->over + (from - sp->over_dropped),
                                      sp->over_len - (from - sp->over_dropped), &timed_out);
    return r ? decided(sp, r, timed_out, ev) : false;
}

/* While the turn's prompt plays. When it ends unheard over, listening goes on as after any prompt,
 * on the microphone itself: the capture is the same, so a WAV input is one file per turn. */
static bool listen_over_prompt(speech *sp, qlq_event *ev)
{
    int16_t out[CHUNK + AUDIO_RATE / 100];
    keep_over(sp, out, read_over(sp, out));
    size_t onset = 0;
    audio_echo_heard heard = may_talk_over(sp) ? audio_echo_voice(sp->echo, &onset) : AUDIO_ECHO_QUIET;
    bool prompt_ended = sp->queued == 0 && !sp->dev->ops->playing(sp->dev);
    if (heard == AUDIO_ECHO_VOICE || (prompt_ended && heard == AUDIO_ECHO_MAYBE_VOICE))
        return hear_over(sp, onset, prompt_ended, ev);
    if (!prompt_ended)
        return false;
    sp->over_active = false;
    if (!open_stream(sp)) {
        stop_listening(sp);
        return voice_failed(ev, QLQ_EV_CANNOT_LISTEN);
    }
    sp->heard_len = 0;
    qlq_log("listening (%s)", grammar_name(sp->grammar)); /* as after any prompt: nobody spoke over it */
    return false;
}

static void speak_next(speech *sp)
{
    char err[256];
    const char *text = sp->queue[sp->head];
    sp->head = (sp->head + 1) % QUEUE_MAX;
    sp->queued--;
    if (tts_speak(sp->voice, sp->dev, sp->q->language, text, NULL, err, sizeof err) != TTS_OK) {
        if (strcmp(err, sp->last_speak_error) != 0) /* without a speaker: once, not at every sentence */
            qlq_log("cannot speak: %s", err);
        snprintf(sp->last_speak_error, sizeof sp->last_speak_error, "%s", err);
    } else {
        sp->last_speak_error[0] = '\0';
    }
}

bool speech_poll(speech *sp, qlq_event *ev)
{
    bool prompt = sp->queued > 0 || sp->dev->ops->playing(sp->dev);
    /* without a microphone the prompt is read to its end, and listening fails after it, as it always did */
    if (sp->listen_wanted && !sp->stream && !sp->over_active && !sp->over_refused && prompt && can_listen_over(sp))
        sp->over_refused = !start_listening_over(sp);
    if (sp->over_active && !sp->stream && listen_over_prompt(sp, ev))
        return true;
    if (sp->dev->ops->playing(sp->dev))
        return false;
    if (sp->queued > 0) {
        speak_next(sp);
        return false;
    }
    if (!sp->listen_wanted)
        return false;
    if (!sp->stream && !start_listening(sp))
        return voice_failed(ev, QLQ_EV_CANNOT_LISTEN);
    return listen_some(sp, ev);
}
