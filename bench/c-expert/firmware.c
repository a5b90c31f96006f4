/* examples/firmware.mote by hand: eight tasks, each a step function with a state byte whose
 * cases resume inside the task's loops; the channels are ring buffers and the signals a value
 * and a flag, each with its one task on either side, known at compile time; a 50 us tick
 * (the shortest sleep) for time. The HAL layers of the Mote program are what a C programmer
 * writes as one function: there is nothing to forward. */
#define EXPERT_TASKS 8
#define EXPERT_TICK_US 50
#include "expert.h"

enum { MAIN, HEARTBEAT, WATCHDOG, LOGGER, SAMPLER, REPORTER, CONSOLE, UART_RX };

#define N_SENSORS 4u
#define SAMPLE_ROUNDS 6u
#define LINE_MAX 24u
#define END_OF_STREAM 0xFFu

enum { ERR_UNKNOWN = 1, ERR_SYNTAX = 2, ERR_RANGE = 3, ERR_TOO_LONG = 4 };
enum cmd { C_PING, C_READ, C_SET, C_STATS, C_WAIT, C_RESET, C_STATUS, C_QUIT, C_UNKNOWN };
enum reply { R_PONG, R_VALUE, R_ACK, R_STATLINE, R_WAITED, R_CLEARED, R_STATUS, R_ERROR, R_BYE };

struct stats { uint32_t count, sum, min, max; };
struct event { uint8_t kind; uint32_t id, a, b, c; };

/* ---- channels: who sends -> who receives ---- */
static RING(uint8_t, 8) rx;              /* uart_rx -> console */
static RING(uint32_t, 4) samples;        /* sampler -> logger: (sensor << 24) | value */
static RING(struct event, 4) report;     /* console -> reporter */
static struct signal beat;               /* heartbeat -> watchdog (0 = stop) */
static struct signal sampling_done;      /* logger -> console */
static struct signal watchdog_done;      /* watchdog -> main */
static struct signal report_done;        /* reporter -> main */

/* ---- shared state ---- */
static uint32_t gain[N_SENSORS] = {1, 1, 1, 1};
static struct stats stats[N_SENSORS] = {
    {0, 0, 0xFFFFFFFFu, 0}, {0, 0, 0xFFFFFFFFu, 0}, {0, 0, 0xFFFFFFFFu, 0}, {0, 0, 0xFFFFFFFFu, 0}};
static uint32_t bus_reads, bus_writes, commands, errors;
static bool stopping;

/* The sensor "hardware": a triangle wave per channel, on a channel-dependent base. */
static uint32_t waveform(uint32_t ch, uint32_t seq)
{
    uint32_t phase = (seq * 7 + ch * 3) % 16;
    uint32_t tri = phase < 8 ? phase : 16 - phase;
    return 200 + ch * 100 + tri * (ch + 1) * 5;
}

/* ---- sampler: every millisecond, one 50 us conversion per sensor ---- */
static struct {
    uint32_t item;
    uint8_t st, round, id;
} smp;

static void sampler_step(void)
{
    switch (smp.st) {
    case 0:
        for (smp.round = 0; smp.round < SAMPLE_ROUNDS; smp.round++) {
            sleep_us(SAMPLER, 1000);
            smp.st = 1;
            return;
    case 1:
            if (ASLEEP(SAMPLER))
                return;
            for (smp.id = 0; smp.id < N_SENSORS; smp.id++) {
                sleep_us(SAMPLER, 50);
                smp.st = 2;
                return;
    case 2:
                if (ASLEEP(SAMPLER))
                    return;
                bus_reads++;
                smp.item = ((uint32_t)smp.id << 24) | waveform(smp.id, smp.round);
                smp.st = 3;
    case 3:
                if (RING_FULL(samples))
                    return;
                RING_PUT(samples, smp.item);
                WAKE(LOGGER);
            }
        }
        smp.st = 4;
    case 4:
        if (RING_FULL(samples))
            return;
        RING_PUT(samples, END_OF_STREAM << 24);
        WAKE(LOGGER);
        smp.st = 5;
    }
}

/* ---- logger ---- */
static uint32_t logged;

static void logger_step(void)
{
    while (!RING_EMPTY(samples)) {
        uint32_t word = RING_GET(samples);
        WAKE(SAMPLER);
        uint32_t id = word >> 24, v = word & 0xFFFFFF;
        if (id == END_OF_STREAM) {
            raise_signal(&sampling_done, logged, CONSOLE);
            return;
        }
        struct stats *s = &stats[id];
        s->count++;
        s->sum += v;
        if (v < s->min)
            s->min = v;
        if (v > s->max)
            s->max = v;
        logged++;
    }
}

/* ---- heartbeat and watchdog ---- */
static struct {
    uint32_t count;
    uint8_t st;
} hb;

static void heartbeat_step(void)
{
    if (hb.st == 1) {
        if (ASLEEP(HEARTBEAT))
            return;
        hb.count++;
        raise_signal(&beat, hb.count, WATCHDOG);
    }
    if (hb.st == 2)
        return;
    if (stopping) {
        raise_signal(&beat, 0, WATCHDOG);
        hb.st = 2;
        return;
    }
    sleep_us(HEARTBEAT, 1000);
    hb.st = 1;
}

static struct {
    uint32_t last, gaps;
} wd;

static void watchdog_step(void)
{
    if (!beat.raised)
        return;
    beat.raised = false;
    uint32_t b = beat.value;
    if (b == 0) {
        raise_signal(&watchdog_done, (wd.gaps << 16) | (wd.last > 0xFFFF ? 0xFFFF : wd.last), MAIN);
        return;
    }
    if (b != wd.last + 1)
        wd.gaps++;
    wd.last = b;
}

/* ---- the scripted serial line ---- */
static const char script[] =
    "ping\nREAD 2\nSET 1 3\nread 1\nSET 9 1\nFROB 4\nREAD\nREAD 0x3 7\nread 0x3\nWAIT\nSTATS 0\nstats 3\n"
    "RESET 0\nSTATS 0\nSTATUS\nthis line is much too long for the buffer\n\nPING\nQUIT\nPING\n";

static uint8_t script_at;

static void uart_rx_step(void)
{
    if (ASLEEP(UART_RX))
        return;
    while (script_at < sizeof script - 1) {
        if (RING_FULL(rx))
            return;
        char b = script[script_at++];
        RING_PUT(rx, (uint8_t)b);
        WAKE(CONSOLE);
        if (b == '\n') {
            sleep_us(UART_RX, 300);
            return;
        }
    }
}

/* ---- parsing ---- */
static uint8_t upper(uint8_t b) { return b >= 'a' && b <= 'z' ? b - 32 : b; }
static bool is_space(uint8_t b) { return b == ' ' || b == '\t'; }

static const char keywords[][7] = {"PING", "READ", "SET", "STATS", "WAIT", "RESET", "STATUS", "QUIT"};

static enum cmd keyword(const uint8_t *w, uint32_t n)
{
    for (uint32_t k = 0; k < C_UNKNOWN; k++) {
        uint32_t i = 0;
        while (i < n && keywords[k][i] && upper(w[i]) == (uint8_t)keywords[k][i])
            i++;
        if (i == n && keywords[k][i] == 0)
            return (enum cmd)k;
    }
    return C_UNKNOWN;
}

/* Decimal, or hex with a 0x prefix; false on a bad digit. */
static bool parse_number(const uint8_t *w, uint32_t n, uint32_t *out)
{
    uint32_t radix = 10, v = 0, i = 0;
    if (n > 2 && w[0] == '0' && upper(w[1]) == 'X') {
        radix = 16;
        i = 2;
    }
    for (; i < n; i++) {
        uint8_t c = upper(w[i]);
        uint32_t d = c >= '0' && c <= '9' ? c - '0' : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;
        if (d >= radix)
            return false;
        v = v * radix + d;
    }
    *out = v;
    return true;
}

static const uint8_t arity[] = {0, 1, 2, 1, 0, 1, 0, 0, 0};

/* ---- console: read a line, parse it, run it, send the reply to the reporter ---- */
static struct {
    struct event ev;
    uint32_t seq, args[2];
    uint8_t buf[LINE_MAX];
    uint8_t st, len, overflow, cmd;
} con;

static void reply(uint8_t kind, uint32_t id, uint32_t a, uint32_t b, uint32_t c)
{
    con.ev = (struct event){kind, id, a, b, c};
}

static void reject(uint32_t code)
{
    errors++;
    reply(R_ERROR, con.seq, code, 0, 0);
}

/* Parses con.buf; false when an error reply was prepared instead. */
static bool parse_line(void)
{
    uint32_t i = 0, word = 0, argc = 0;
    bool ok = true;
    con.cmd = C_UNKNOWN;
    while (i < con.len) {
        while (i < con.len && is_space(con.buf[i]))
            i++;
        if (i == con.len)
            break;
        uint32_t start = i;
        while (i < con.len && !is_space(con.buf[i]))
            i++;
        if (word == 0)
            con.cmd = keyword(&con.buf[start], i - start);
        else if (word <= 2 && parse_number(&con.buf[start], i - start, &con.args[word - 1]))
            argc = word;
        else
            ok = false;
        word++;
    }
    if (con.cmd == C_UNKNOWN) {
        reject(ERR_UNKNOWN);
        return false;
    }
    if (!ok || argc != arity[con.cmd]) {
        reject(ERR_SYNTAX);
        return false;
    }
    if (arity[con.cmd] && con.args[0] >= N_SENSORS) {
        reject(ERR_RANGE);
        return false;
    }
    return true;
}

static void console_step(void)
{
    uint32_t id = con.args[0];
    switch (con.st) {
    case 0:
        for (;;) {
            con.len = 0;
            con.overflow = 0;
            con.st = 1;
    case 1:
            for (;;) {
                if (RING_EMPTY(rx))
                    return;
                uint8_t b = RING_GET(rx);
                WAKE(UART_RX);
                if (b == '\n')
                    break;
                if (b == '\r')
                    continue;
                if (con.len < LINE_MAX)
                    con.buf[con.len++] = b;
                else
                    con.overflow = 1;
            }
            con.seq++;
            if (con.overflow) {
                reject(ERR_TOO_LONG);
            } else if (con.len == 0) {
                continue;
            } else if (parse_line()) {
                commands++;
                id = con.args[0];
                if (con.cmd == C_READ) {
                    sleep_us(CONSOLE, 50);
                    con.st = 2;
                    return;
    case 2:
                    if (ASLEEP(CONSOLE))
                        return;
                    bus_reads++;
                    reply(R_VALUE, id, waveform(id, con.seq) * gain[id], gain[id], 0);
                } else if (con.cmd == C_SET) {
                    con.st = 3; /* the register write yields once */
                    WAKE(CONSOLE);
                    return;
    case 3:
                    bus_writes++;
                    gain[id] = con.args[1];
                    reply(R_ACK, id, gain[id], 0, 0);
                } else if (con.cmd == C_WAIT) {
                    con.st = 4;
    case 4:
                    if (!sampling_done.raised)
                        return;
                    sampling_done.raised = false;
                    reply(R_WAITED, 0, sampling_done.value, 0, 0);
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
            if (RING_FULL(report))
                return;
            RING_PUT(report, con.ev);
            WAKE(REPORTER);
            if (con.ev.kind == R_BYE) {
                con.st = 6;
                return;
            }
        }
    }
}

/* ---- reporter ---- */
static uint32_t checksum;

static uint32_t mix(uint32_t h, uint32_t v) { return ((h << 5) | (h >> 27)) ^ v; }

static void reporter_step(void)
{
    while (!RING_EMPTY(report)) {
        struct event e = RING_GET(report);
        WAKE(CONSOLE);
        checksum = mix(mix(mix(mix(checksum, e.kind), e.id), e.a), e.b ^ e.c);
        switch (e.kind) {
        case R_PONG: print("pong #"); print_u32(e.a); break;
        case R_VALUE:
            print("sensor "); print_u32(e.id); print(" = "); print_u32(e.a);
            print(" (gain "); print_u32(e.b); print(")");
            break;
        case R_ACK: print("sensor "); print_u32(e.id); print(" gain set to "); print_u32(e.a); break;
        case R_STATLINE:
            print("sensor "); print_u32(e.id); print(": "); print_u32(e.a); print(" samples, min "); print_u32(e.b);
            print(", max "); print_u32(e.c >> 16); print(", avg "); print_u32(e.c & 0xFFFF);
            break;
        case R_WAITED: print("sampling done: "); print_u32(e.a); print(" samples"); break;
        case R_CLEARED: print("sensor "); print_u32(e.id); print(" statistics cleared"); break;
        case R_STATUS:
            print("status: "); print_u32(e.a); print(" commands, "); print_u32(e.b); print(" errors, ");
            print_u32(e.c); print(" bus reads");
            break;
        case R_ERROR: print("error "); print_u32(e.a); print(" on line "); print_u32(e.id); break;
        default:
            print("bye after line "); print_u32(e.a); print("\n");
            raise_signal(&report_done, checksum, MAIN);
            return;
        }
        print("\n");
    }
}

/* ---- main ---- */
static uint8_t main_st;

static void main_step(void)
{
    switch (main_st) {
    case 0:
        print("firmware: 4 sensors, 6 sampling rounds\n");
        ready |= 0xFEu; /* spawn the seven other tasks */
        main_st = 1;
        return;
    case 1:
        if (!report_done.raised)
            return;
        stopping = true;
        main_st = 2;
    case 2:
        if (!watchdog_done.raised)
            return;
    }
    uint32_t w = watchdog_done.value;
    print("watchdog: "); print_u32(w >> 16); print(" gaps, alive ");
    print_bool((w & 0xFFFF) >= SAMPLE_ROUNDS);
    print("\ntotals: "); print_u32(commands); print(" commands, "); print_u32(errors); print(" errors, ");
    print_u32(bus_reads); print(" reads, "); print_u32(bus_writes); print(" writes\nchecksum ");
    print_hex32(report_done.value);
    print("\n");
    exit_program((int32_t)(report_done.value % 251));
}

int main(void)
{
    static void (*const steps[EXPERT_TASKS])(void) = {
        main_step, heartbeat_step, watchdog_step, logger_step,
        sampler_step, reporter_step, console_step, uart_rx_step,
    };
    run_tasks(steps);
}
