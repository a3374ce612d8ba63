/* What was heard, as the core's event: the kiosk's policy for the recogniser's decisions. */
#include "voice_event.h"

#include <stdio.h>
#include <string.h>

void voice_event_of(const asr_result *r, bool check_item, bool timed_out, qlq_event *ev)
{
    memset(ev, 0, sizeof *ev);
    ev->source = QLQ_SOURCE_VOICE;
    ev->has_confidence = true;
    ev->confidence = (float)r->confidence;
    /* whispered "un" and "deux" sound alike to both models: the patient says yes to what was heard */
    ev->must_confirm = r->whispered;
    snprintf(ev->text, sizeof ev->text, "%s", r->transcript);
    if (check_item && !timed_out) {
        ev->type = QLQ_EV_CHECK_HEARD;
        ev->value = r->kind == ASR_YES;
        ev->echo_ms = (float)r->decay_ms;
        return;
    }
    switch (r->kind) {
    case ASR_ANSWER: ev->type = QLQ_EV_ANSWER; ev->value = r->value; break;
    case ASR_REPEAT: ev->type = QLQ_EV_REPEAT; break;
    case ASR_BACK: ev->type = QLQ_EV_BACK; break;
    case ASR_DONTKNOW: ev->type = QLQ_EV_SKIP; break;
    case ASR_YES:
    case ASR_NO: /* also to a question: the core knows what "non" means there */
        ev->type = QLQ_EV_CONFIRM;
        ev->value = r->kind == ASR_YES;
        break;
    case ASR_REJECT:
        /* an answer heard, but not surely enough to take: "did you say ...?" costs the patient no more
         * than "please repeat", and a right answer heard in noise is then kept */
        if (!check_item && r->heard_kind == ASR_ANSWER && r->confidence >= VOICE_READ_BACK_FROM) {
            ev->type = QLQ_EV_ANSWER;
            ev->value = r->heard_value;
            ev->must_confirm = true;
        } else {
            ev->type = QLQ_EV_HEARD_NOTHING;
        }
        break;
    }
}
