/* examples/firmware.mote by hand: eight tasks on the executor ABI's task table, each an
 * explicit state machine (a switch on a state byte whose cases resume inside the task's
 * loops), channels and signals from runtime-c, one timer and one waiter node per task that
 * sleeps or waits. The HAL layers of the Mote program are what a C programmer would write
 * as one function: there is nothing to forward. */
#define BENCH_OWN_TASK_TABLE
#include "common.h"

#define N_SENSORS 4u
#define SAMPLE_ROUNDS 6u
#define LINE_MAX 24u
#define END_OF_STREAM 0xFFu

enum { ERR_UNKNOWN = 1, ERR_SYNTAX = 2, ERR_RANGE = 3, ERR_TOO_LONG = 4 };
enum cmd { C_PING, C_READ, C_SET, C_STATS, C_WAIT, C_RESET, C_STATUS, C_QUIT, C_UNKNOWN };
enum reply { R_PONG, R_VALUE, R_ACK, R_STATLINE, R_WAITED, R_CLEARED, R_STATUS, R_ERROR, R_BYE };

struct stats { uint32_t count, sum, min, max; };
struct event { uint8_t kind; uint32_t id, a, b, c; };

/* ---- queues ---- */
/* Zero-initialised storage is an empty channel; shapes are size | capacity << 16. */
static MOTE_CHANNEL_STORAGE(1, 8) rx;
static MOTE_CHANNEL_STORAGE(4, 4) samples;
static MOTE_CHANNEL_STORAGE(sizeof(struct event), 4) report;
static MOTE_SIGNAL_STORAGE(4) beat_sig, sampling_done, watchdog_done, report_done;
#define RX MOTE_CHANNEL_SHAPE(1, 8)
#define SAMPLES MOTE_CHANNEL_SHAPE(4, 4)
#define REPORT MOTE_CHANNEL_SHAPE(sizeof(struct event), 4)
#define SIG(s) ((struct mote_channel *)&(s))
#define SIGNAL 4u   /* a signal's calls take its value's size */

/* ---- shared state ---- */
static uint32_t gain[N_SENSORS] = {1, 1, 1, 1};
static struct stats stats[N_SENSORS] = {
    {0, 0, 0xFFFFFFFFu, 0}, {0, 0, 0xFFFFFFFFu, 0}, {0, 0, 0xFFFFFFFFu, 0}, {0, 0, 0xFFFFFFFFu, 0}};
static uint32_t bus_reads, bus_writes, commands, errors;
static bool stopping;

static uint32_t waveform(uint32_t ch, uint32_t seq) {
    uint32_t phase = (seq * 7 + ch * 3) % 16;
    uint32_t tri = phase < 8 ? phase : 16 - phase;
    return 200 + ch * 100 + tri * (ch + 1) * 5;
}

/* ---- sampler: every millisecond, one 50 us conversion per sensor ---- */
static struct {
    struct mote_timer t;
    struct mote_waiter w;
    uint32_t item;
    uint8_t st, round, id;
} smp;

static bool sampler_poll(void *unused) {
    (void)unused;
    switch (smp.st) {
    case 0:
        for (smp.round = 0; smp.round < SAMPLE_ROUNDS; smp.round++) {
            smp.st = 1;
    case 1:
            if (!mote_sleep_us(&smp.t, 1000)) return false;
            for (smp.id = 0; smp.id < N_SENSORS; smp.id++) {
                smp.st = 2;
    case 2:
                if (!mote_sleep_us(&smp.t, 50)) return false;
                bus_reads++;
                smp.item = ((uint32_t)smp.id << 24) | waveform(smp.id, smp.round);
                smp.st = 3;
    case 3:
                if (!mote_channel_send(&samples.channel, &smp.item, &smp.w, SAMPLES)) return false;
            }
        }
        smp.item = END_OF_STREAM << 24;
        smp.st = 4;
    case 4:
        if (!mote_channel_send(&samples.channel, &smp.item, &smp.w, SAMPLES)) return false;
    }
    return true;
}

/* ---- logger ---- */
static struct {
    struct mote_waiter w;
    uint32_t word, total;
} lg;

static bool logger_poll(void *unused) {
    (void)unused;
    for (;;) {
        if (!mote_channel_recv(&samples.channel, &lg.word, &lg.w, SAMPLES)) return false;
        uint32_t id = lg.word >> 24, v = lg.word & 0xFFFFFF;
        if (id == END_OF_STREAM) break;
        struct stats *s = &stats[id];
        s->count++;
        s->sum += v;
        if (v < s->min) s->min = v;
        if (v > s->max) s->max = v;
        lg.total++;
    }
    mote_signal_raise(SIG(sampling_done), &lg.total, SIGNAL);
    return true;
}

/* ---- heartbeat and watchdog ---- */
static struct {
    struct mote_timer t;
    uint32_t beat;
    uint8_t st;
} hb;

static bool heartbeat_poll(void *unused) {
    (void)unused;
    if (hb.st) goto sleeping;
    while (!stopping) {
        hb.st = 1;
    sleeping:
        if (!mote_sleep_us(&hb.t, 1000)) return false;
        hb.beat++;
        mote_signal_raise(SIG(beat_sig), &hb.beat, SIGNAL);
    }
    hb.beat = 0;
    mote_signal_raise(SIG(beat_sig), &hb.beat, SIGNAL);
    return true;
}

static struct {
    struct mote_waiter w;
    uint32_t b, last, gaps;
} wd;

static bool watchdog_poll(void *unused) {
    (void)unused;
    for (;;) {
        if (!mote_signal_wait(SIG(beat_sig), &wd.b, &wd.w, SIGNAL)) return false;
        if (wd.b == 0) break;
        if (wd.b != wd.last + 1) wd.gaps++;
        wd.last = wd.b;
    }
    wd.b = (wd.gaps << 16) | (wd.last > 0xFFFF ? 0xFFFF : wd.last);
    mote_signal_raise(SIG(watchdog_done), &wd.b, SIGNAL);
    return true;
}

/* ---- the scripted serial line ---- */
static const char script[] =
    "ping\nREAD 2\nSET 1 3\nread 1\nSET 9 1\nFROB 4\nREAD\nREAD 0x3 7\nread 0x3\nWAIT\nSTATS 0\nstats 3\n"
    "RESET 0\nSTATS 0\nSTATUS\nthis line is much too long for the buffer\n\nPING\nQUIT\nPING\n";

static struct {
    struct mote_timer t;
    struct mote_waiter w;
    uint8_t st, i;
} urx;

static bool uart_rx_poll(void *unused) {
    (void)unused;
    for (; urx.i < sizeof script - 1; urx.i++) {
        if (urx.st == 0) {
            if (!mote_channel_send(&rx.channel, &script[urx.i], &urx.w, RX)) return false;
            if (script[urx.i] != '\n') continue;
            urx.st = 1;
        }
        if (!mote_sleep_us(&urx.t, 300)) return false;
        urx.st = 0;
    }
    return true;
}

/* ---- parsing ---- */
static uint8_t upper(uint8_t b) { return b >= 'a' && b <= 'z' ? b - 32 : b; }
static bool is_space(uint8_t b) { return b == ' ' || b == '\t'; }

static const char keywords[][7] = {"PING", "READ", "SET", "STATS", "WAIT", "RESET", "STATUS", "QUIT"};

static enum cmd keyword(const uint8_t *w, uint32_t n) {
    for (uint32_t k = 0; k < C_UNKNOWN; k++) {
        uint32_t i = 0;
        while (i < n && keywords[k][i] && upper(w[i]) == (uint8_t)keywords[k][i]) i++;
        if (i == n && keywords[k][i] == 0) return (enum cmd)k;
    }
    return C_UNKNOWN;
}

static bool parse_number(const uint8_t *w, uint32_t n, uint32_t *out) {
    uint32_t radix = 10, v = 0, i = 0;
    if (n > 2 && w[0] == '0' && upper(w[1]) == 'X') { radix = 16; i = 2; }
    for (; i < n; i++) {
        uint8_t c = upper(w[i]);
        uint32_t d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
        if (d >= radix) return false;
        v = v * radix + d;
    }
    *out = v;
    return true;
}

static const uint8_t arity[] = {0, 1, 2, 1, 0, 1, 0, 0, 0};

/* ---- console: read a line, parse it, run it, send the reply to the reporter ---- */
static struct {
    struct mote_timer t;
    struct mote_waiter w;
    struct event ev;
    uint32_t seq, args[2], samples;
    uint8_t buf[LINE_MAX];
    uint8_t st, len, b, overflow, cmd;
} con;

static void reply(uint8_t kind, uint32_t id, uint32_t a, uint32_t b, uint32_t c) {
    con.ev = (struct event){kind, id, a, b, c};
}

static void reject(uint32_t code) {
    errors++;
    reply(R_ERROR, con.seq, code, 0, 0);
}

/* Parses con.buf; false when an error reply was prepared instead. */
static bool parse_line(void) {
    uint32_t i = 0, word = 0, argc = 0;
    bool ok = true;
    con.cmd = C_UNKNOWN;
    while (i < con.len) {
        while (i < con.len && is_space(con.buf[i])) i++;
        if (i == con.len) break;
        uint32_t start = i;
        while (i < con.len && !is_space(con.buf[i])) i++;
        if (word == 0) con.cmd = keyword(&con.buf[start], i - start);
        else if (word <= 2 && parse_number(&con.buf[start], i - start, &con.args[word - 1])) argc = word;
        else ok = false;
        word++;
    }
    if (con.cmd == C_UNKNOWN) { reject(ERR_UNKNOWN); return false; }
    if (!ok || argc != arity[con.cmd]) { reject(ERR_SYNTAX); return false; }
    if (arity[con.cmd] && con.args[0] >= N_SENSORS) { reject(ERR_RANGE); return false; }
    return true;
}

static bool console_poll(void *unused) {
    (void)unused;
    uint32_t id = con.args[0];
    switch (con.st) {
    case 0:
        for (;;) {
            con.len = 0;
            con.overflow = 0;
            con.st = 1;
    case 1:
            while (mote_channel_recv(&rx.channel, &con.b, &con.w, RX)) {
                if (con.b == '\n') goto line;
                if (con.b == '\r') continue;
                if (con.len < LINE_MAX) con.buf[con.len++] = con.b;
                else con.overflow = 1;
            }
            return false;
        line:
            con.seq++;
            if (con.overflow) reject(ERR_TOO_LONG);
            else if (con.len == 0) continue;
            else if (parse_line()) {
                commands++;
                id = con.args[0];
                if (con.cmd == C_READ) {
                    con.st = 2;
    case 2:
                    if (!mote_sleep_us(&con.t, 50)) return false;
                    bus_reads++;
                    reply(R_VALUE, id, waveform(id, con.seq) * gain[id], gain[id], 0);
                } else if (con.cmd == C_SET) {
                    con.st = 3;
                    mote_wake_current();
                    return false;
    case 3:
                    bus_writes++;
                    gain[id] = con.args[1];
                    reply(R_ACK, id, gain[id], 0, 0);
                } else if (con.cmd == C_WAIT) {
                    con.st = 4;
    case 4:
                    if (!mote_signal_wait(SIG(sampling_done), &con.samples, &con.w, SIGNAL)) return false;
                    reply(R_WAITED, 0, con.samples, 0, 0);
                } else if (con.cmd == C_STATS) {
                    struct stats *s = &stats[id];
                    uint32_t avg = s->count ? s->sum / s->count : 0;
                    reply(R_STATLINE, id, s->count, s->count ? s->min : 0, (s->max << 16) | avg);
                } else if (con.cmd == C_RESET) {
                    stats[id] = (struct stats){0, 0, 0xFFFFFFFFu, 0};
                    reply(R_CLEARED, id, 0, 0, 0);
                } else if (con.cmd == C_STATUS) {
                    reply(R_STATUS, 0, commands, errors, bus_reads);
                } else if (con.cmd == C_PING) {
                    reply(R_PONG, 0, con.seq, 0, 0);
                } else {
                    reply(R_BYE, 0, con.seq, 0, 0);
                }
            }
            con.st = 5;
    case 5:
            if (!mote_channel_send(&report.channel, &con.ev, &con.w, REPORT)) return false;
            if (con.ev.kind == R_BYE) return true;
        }
    }
    return true;
}

/* ---- reporter ---- */
static struct {
    struct mote_waiter w;
    struct event e;
    uint32_t checksum;
} rep;

static uint32_t mix(uint32_t h, uint32_t v) { return ((h << 5) | (h >> 27)) ^ v; }

static void num(uint32_t v) { mote_print_u64(v); }

static bool reporter_poll(void *unused) {
    (void)unused;
    struct event *e = &rep.e;
    for (;;) {
        if (!mote_channel_recv(&report.channel, e, &rep.w, REPORT)) return false;
        rep.checksum = mix(mix(mix(mix(rep.checksum, e->kind), e->id), e->a), e->b ^ e->c);
        switch (e->kind) {
        case R_PONG: PRINT_LIT("pong #"); num(e->a); break;
        case R_VALUE:
            PRINT_LIT("sensor "); num(e->id); PRINT_LIT(" = "); num(e->a);
            PRINT_LIT(" (gain "); num(e->b); PRINT_LIT(")");
            break;
        case R_ACK: PRINT_LIT("sensor "); num(e->id); PRINT_LIT(" gain set to "); num(e->a); break;
        case R_STATLINE:
            PRINT_LIT("sensor "); num(e->id); PRINT_LIT(": "); num(e->a); PRINT_LIT(" samples, min "); num(e->b);
            PRINT_LIT(", max "); num(e->c >> 16); PRINT_LIT(", avg "); num(e->c & 0xFFFF);
            break;
        case R_WAITED: PRINT_LIT("sampling done: "); num(e->a); PRINT_LIT(" samples"); break;
        case R_CLEARED: PRINT_LIT("sensor "); num(e->id); PRINT_LIT(" statistics cleared"); break;
        case R_STATUS:
            PRINT_LIT("status: "); num(e->a); PRINT_LIT(" commands, "); num(e->b); PRINT_LIT(" errors, ");
            num(e->c); PRINT_LIT(" bus reads");
            break;
        case R_ERROR: PRINT_LIT("error "); num(e->a); PRINT_LIT(" on line "); num(e->id); break;
        default: PRINT_LIT("bye after line "); num(e->a); PRINT_LIT("\n"); goto done;
        }
        PRINT_LIT("\n");
    }
done:
    mote_signal_raise(SIG(report_done), &rep.checksum, SIGNAL);
    return true;
}

/* ---- main ---- */
static struct {
    struct mote_waiter w;
    uint32_t v;
    uint8_t st;
} mn;

static bool main_poll(void *unused) {
    (void)unused;
    switch (mn.st) {
    case 0:
        PRINT_LIT("firmware: 4 sensors, 6 sampling rounds\n");
        for (uint32_t t = 1; t < 8; t++) mote_task_claim(t, 1);
        mn.st = 1;
    case 1:
        if (!mote_signal_wait(SIG(report_done), &mn.v, &mn.w, SIGNAL)) return false;
        stopping = true;
        mn.st = 2;
    case 2:
        if (!mote_signal_wait(SIG(watchdog_done), &mn.v, &mn.w, SIGNAL)) return false;
    }
    PRINT_LIT("watchdog: "); num(mn.v >> 16); PRINT_LIT(" gaps, alive ");
    mote_print_bool((mn.v & 0xFFFF) >= SAMPLE_ROUNDS);
    PRINT_LIT("\ntotals: "); num(commands); PRINT_LIT(" commands, "); num(errors); PRINT_LIT(" errors, ");
    num(bus_reads); PRINT_LIT(" reads, "); num(bus_writes); PRINT_LIT(" writes\nchecksum ");
    mote_print_hex(rep.checksum);
    PRINT_LIT("\n");
    mote_exit((int32_t)(rep.checksum % 251));
}

const struct mote_task mote_tasks[8] = {
    {main_poll, 0}, {heartbeat_poll, 0}, {watchdog_poll, 0}, {logger_poll, 0},
    {sampler_poll, 0}, {reporter_poll, 0}, {console_poll, 0}, {uart_rx_poll, 0},
};
uint8_t mote_task_status[8];
uint8_t mote_task_ready[8];
const uint32_t mote_task_count = 8;
