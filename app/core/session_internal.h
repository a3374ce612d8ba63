/* Shared by the session flow's files; not part of the core's interface. */
#ifndef SESSION_INTERNAL_H
#define SESSION_INTERNAL_H

#include "qlq_core.h"

qlq_effect *fx_push(qlq_effects *fx, qlq_effect_type type);
/* Shows the current step; with audio reads it, and in CONTINUOUS mode listens for the answer. */
void session_present(qlq_session *s, qlq_effects *fx);
void session_go_to(qlq_session *s, qlq_effects *fx, qlq_step step, int item);
void session_refuse(const qlq_session *s, qlq_effects *fx, qlq_refusal why);
/* Shows a message and, with audio, speaks it. */
void session_notice(const qlq_session *s, qlq_effects *fx, qlq_msg msg);
/* Asks for the current item's answer (or the check) to be written; the machine waits for the commit. */
qlq_effect *session_request_save(qlq_session *s, const qlq_event *ev, qlq_effects *fx, qlq_pending kind, int value);
void session_advance(qlq_session *s, qlq_effects *fx);

/* True when answers are listened for: audio on and CONTINUOUS mode. */
bool voice_listening(const qlq_session *s);
/* Starts listening for the current item (or item 0's check) and resets the retry count. */
void voice_begin_item(qlq_session *s, qlq_effects *fx);
/* Voice-specific events on an item (1..30): ANSWER from the recogniser, CONFIRM, HEARD_NOTHING.
 * Returns false when the event is not a voice matter and the ordinary rules apply. */
bool voice_on_item(qlq_session *s, const qlq_event *ev, qlq_effects *fx);
/* Item 0 in CONTINUOUS mode: CHECK_HEARD and HEARD_NOTHING. Same return convention. */
bool voice_on_check(qlq_session *s, const qlq_event *ev, qlq_effects *fx);
/* A spoken answer committed: read it back and open the window in which "non" undoes it. Returns
 * false when there is nothing to do and the flow simply advances. */
bool voice_after_commit(qlq_session *s, qlq_effects *fx);
/* Item 0's result committed: advise touch mode if the check asked for it. */
void voice_after_check(qlq_session *s, qlq_effects *fx);

#endif
