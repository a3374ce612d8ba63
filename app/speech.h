/*
 * The kiosk's voice: the core's SPEAK / SPEAK_ANSWER / LISTEN / STOP_AUDIO effects carried out on an
 * audio device with text-to-speech and the recogniser, and what was heard turned back into core
 * events. Single-threaded: the event loop calls speech_poll often while speech_busy is true.
 * Internal to app/.
 */
#ifndef QLQ_SPEECH_H
#define QLQ_SPEECH_H

#include <stdbool.h>

#include "qlq_asr.h"
#include "qlq_audio.h"
#include "qlq_core.h"
#include "qlq_tts.h"

typedef struct speech speech;

/* Takes none of the pointers' ownership. `recogniser` may be NULL: nothing is ever listened for. */
speech *speech_create(audio_device *dev, tts *voice, asr *recogniser, const qlq_questionnaire *q);
void speech_destroy(speech *sp);

/* Carries out one audio effect (SPEAK, SPEAK_ANSWER, LISTEN, STOP_AUDIO); others are ignored. */
void speech_effect(speech *sp, const qlq_effect *fx);
/* Plays what is queued, then listens when asked. Returns true with *ev filled (type, value, source,
 * confidence, transcript, levels) when the recogniser reached a decision. */
bool speech_poll(speech *sp, qlq_event *ev);
/* Something is playing, queued or being listened for. */
bool speech_busy(const speech *sp);

#endif
