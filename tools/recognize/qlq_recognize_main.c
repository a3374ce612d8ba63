/*
 * qlq-recognize: recognises spoken answers in WAV files, one JSON object per file on stdout:
 *   {"file":"a.wav","answer":"3","confidence":0.93,"audio_ms":1520,"decode_ms":31.2}
 * answer is "1".."7", "repeat", "back", "dontknow", "yes", "no" or "reject". The model is loaded
 * once for all files; any common sample rate is resampled to 16 kHz. A file that cannot be read
 * gets the same object with answer "reject" and an "error" field, and the other files are still
 * decoded.
 */
#include "qlq_asr.h"
#include "qlq_audio.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char usage[] =
    "Usage: qlq-recognize --scale 4|7 [--yesno] [--lang fr|en] [--transcript] [--assets DIR]\n"
    "                     [--hmm DIR] [--dict FILE] [--reject-below X] [--answer-reject-below X]\n"
    "                     [--verbose] FILE.wav...\n"
    "\n"
    "Recognises the spoken answer in each WAV file against the grammar of a 4- or 7-point item\n"
    "(or, with --yesno, a yes/no confirmation) and prints one JSON object per file:\n"
    "  {\"file\":...,\"answer\":\"1\"..\"7\"|\"repeat\"|\"back\"|\"dontknow\"|\"yes\"|\"no\"|\"reject\",\n"
    "   \"confidence\":0..1,\"audio_ms\":...,\"decode_ms\":...}\n"
    "--transcript adds the words heard (\"transcript\"). --hmm and --dict select another acoustic\n"
    "model and its lexicon for --lang (a French model with a French dictionary, for example);\n"
    "by default French uses assets/voice/model-fr (the US-English model adapted to French), and\n"
    "assets/voice/model-fr-ptm (the CMU Sphinx French model adapted the same way) when the first\n"
    "is unsure, and assets/voice/model-fr-cmu (that model as published, trained on real French\n"
    "speech) asked to agree when both are; English uses assets/voice/model-en (the US-English model\n"
    "adapted to eSpeak's English voices). A model given with --hmm decides alone.\n"
    "A result less sure than 0.8 is \"reject\", an answer of the scale less sure than 0.7 (the kiosk\n"
    "asks the patient to confirm any answer under 0.9); --reject-below X sets both thresholds,\n"
    "--answer-reject-below X the answers' alone.\n"
    "Exit status: 0 every file decoded, 1 some file could not be read, 2 usage or model error.\n";

typedef struct {
    const char *lang, *assets, *hmm, *dict;
    asr_grammar grammar;
    bool scale_given, transcript, verbose;
    double reject_below, answer_reject_below;
    int first_file;
} options;

static void json_string(FILE *out, const char *s)
{
    fputc('"', out);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if (*p == '"' || *p == '\\')
            fprintf(out, "\\%c", *p);
        else if (*p < 0x20)
            fprintf(out, "\\u%04x", *p);
        else
            fputc(*p, out);
    }
    fputc('"', out);
}

static int parse_args(int argc, char **argv, options *o)
{
    *o = (options){.lang = "fr", .grammar = ASR_GRAMMAR_SCALE4};
    bool yesno = false;
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && argv[i][1] == '-'; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (strcmp(a, "--yesno") == 0) { yesno = true; continue; }
        if (strcmp(a, "--transcript") == 0) { o->transcript = true; continue; }
        if (strcmp(a, "--verbose") == 0) { o->verbose = true; continue; }
        if (!v)
            return -1;
        if (strcmp(a, "--scale") == 0) {
            if (strcmp(v, "4") != 0 && strcmp(v, "7") != 0)
                return -1;
            o->grammar = v[0] == '7' ? ASR_GRAMMAR_SCALE7 : ASR_GRAMMAR_SCALE4;
            o->scale_given = true;
        } else if (strcmp(a, "--lang") == 0) {
            if (strcmp(v, "fr") != 0 && strcmp(v, "en") != 0)
                return -1;
            o->lang = v;
        } else if (strcmp(a, "--assets") == 0) o->assets = v;
        else if (strcmp(a, "--hmm") == 0) o->hmm = v;
        else if (strcmp(a, "--dict") == 0) o->dict = v;
        else if (strcmp(a, "--reject-below") == 0) o->reject_below = atof(v);
        else if (strcmp(a, "--answer-reject-below") == 0) o->answer_reject_below = atof(v);
        else return -1;
        i++;
    }
    if (yesno)
        o->grammar = ASR_GRAMMAR_YESNO;
    o->first_file = i;
    return (o->scale_given || yesno) && i < argc ? 0 : -1;
}

static void print_result(const options *o, const char *file, const asr_result *r, const char *error)
{
    fputs("{\"file\":", stdout);
    json_string(stdout, file);
    printf(",\"answer\":\"%s\",\"confidence\":%.3f,\"audio_ms\":%.0f,\"decode_ms\":%.1f",
           asr_kind_name(r->kind, r->value), r->confidence, r->audio_ms, r->decode_ms);
    if (o->transcript) {
        fputs(",\"transcript\":", stdout);
        json_string(stdout, r->transcript);
    }
    if (error) {
        fputs(",\"error\":", stdout);
        json_string(stdout, error);
    }
    fputs("}\n", stdout);
    fflush(stdout);
}

/* 0 decoded, -1 with `err` set. */
static int recognize_file(asr *a, const options *o, const char *path, asr_result *r, char *err, size_t len)
{
    audio_pcm pcm = {0};
    if (audio_wav_read_at(path, AUDIO_RATE, &pcm, err, len) != AUDIO_OK)
        return -1;
    asr_lang lang = strcmp(o->lang, "en") == 0 ? ASR_LANG_EN : ASR_LANG_FR;
    int rc = asr_recognize(a, lang, o->grammar, pcm.samples, pcm.count, r, err, len);
    audio_pcm_free(&pcm);
    return rc;
}

int main(int argc, char **argv)
{
    options o;
    if (argc == 2 && strcmp(argv[1], "--help") == 0) {
        fputs(usage, stdout);
        return 0;
    }
    if (parse_args(argc, argv, &o) != 0) {
        fputs(usage, stderr);
        return 2;
    }
    bool en = strcmp(o.lang, "en") == 0;
    asr_config cfg = {
        .assets_dir = o.assets, .fr_hmm_dir = en ? NULL : o.hmm, .en_hmm_dir = en ? o.hmm : NULL,
        .reject_below = o.reject_below, .answer_reject_below = o.answer_reject_below, .verbose = o.verbose,
        .fr_dict = en ? NULL : o.dict, .en_dict = en ? o.dict : NULL,
    };
    if (o.hmm && o.dict) /* another model: the other language's lexicon is in the wrong phones */
        *(en ? &cfg.fr_dict : &cfg.en_dict) = "";
    char err[512];
    asr *a = asr_create(&cfg, err, sizeof err);
    if (!a) {
        fprintf(stderr, "qlq-recognize: %s\n", err);
        return 2;
    }
    int status = 0;
    for (int i = o.first_file; i < argc; i++) {
        asr_result r = {.kind = ASR_REJECT, .heard_kind = ASR_REJECT};
        if (recognize_file(a, &o, argv[i], &r, err, sizeof err) != 0) {
            r = (asr_result){.kind = ASR_REJECT, .heard_kind = ASR_REJECT};
            print_result(&o, argv[i], &r, err);
            status = 1;
        } else {
            print_result(&o, argv[i], &r, NULL);
        }
    }
    asr_destroy(a);
    return status;
}
