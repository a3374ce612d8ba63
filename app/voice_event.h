/*
 * What the recogniser decided, as the core's event: pure, so that the kiosk's policy for what it heard
 * is tested without a microphone. Internal to app/.
 */
#ifndef QLQ_VOICE_EVENT_H
#define QLQ_VOICE_EVENT_H

#include <stdbool.h>

#include "qlq_asr.h"
#include "qlq_core.h"

/* An answer the recogniser rejected but heard with at least this confidence is read back and taken
 * only after "oui", as a doubtful one is (the kiosk confirms every answer under ASR_CONFIRM_BELOW);
 * under it the patient is asked again. Commands and yes/no are never taken under their threshold.
 * Benchmark, held-out voices as the kiosk listens (session 15), answers heard right and read back
 * with 0.5 instead of the recogniser's 0.7: 10 dB 61.0 -> 67.4 %, phrasings at 10 dB 68.0 -> 76.8 %,
 * other noises at 10 dB 78.4 -> 83.7 %; read back wrong (the patient says "non") 0.7 -> 1.1 % of the
 * in-grammar answers (other noises 1.5 -> 2.2 %), out-of-grammar speech read back 1.4 -> 4.0 %, hedges
 * ("entre deux et trois") 7.9 -> 12.1 %. */
#define VOICE_READ_BACK_FROM 0.5

/* The event for result `r` of a listening turn. `check_item`: the turn was item 0's check (the
 * caller adds the room's measurements); `timed_out`: no speech began in time. */
void voice_event_of(const asr_result *r, bool check_item, bool timed_out, qlq_event *ev);

#endif
