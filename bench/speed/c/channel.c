/* Channel hand-off, expert C: main sends on PING to `echo`, waiting in receive, which sends the
 * value back on PONG to main, waiting in its own receive. A channel is a ring buffer with the
 * ready bit of its one waiting task (no handler touches channels here, so nothing is masked
 * but the executor's take of the ready bitmask). */
#include "bare.h"

enum { MAIN = 1u << 0, ECHO = 1u << 1 };
#define CAPACITY 1u

struct channel {
    uint32_t buffer[CAPACITY];
    uint8_t head, count;
    uint8_t waiter;   /* ready bit of the task waiting on this channel, 0 when none */
};

static uint32_t ready = MAIN | ECHO;
static struct channel ping, pong;

static void wake_waiter(struct channel *c)
{
    ready |= c->waiter;
    c->waiter = 0;
}

static bool send(struct channel *c, uint32_t value, uint8_t self)
{
    if (c->count == CAPACITY) {
        c->waiter = self;
        return false;
    }
    c->buffer[(c->head + c->count) % CAPACITY] = value;
    c->count++;
    wake_waiter(c);
    return true;
}

static bool receive(struct channel *c, uint32_t *value, uint8_t self)
{
    if (c->count == 0) {
        c->waiter = self;
        return false;
    }
    *value = c->buffer[c->head];
    c->head = (uint8_t)((c->head + 1u) % CAPACITY);
    c->count--;
    wake_waiter(c);
    return true;
}

static uint32_t rounds, main_sent;
static bool main_receiving;

static void main_step(void)
{
    for (;;) {
        if (!main_receiving) {
            if (main_sent == rounds)
                bare_exit(0);
            if (!send(&ping, main_sent, MAIN))
                return;
            main_receiving = true;
        }
        uint32_t echoed;
        if (!receive(&pong, &echoed, MAIN))
            return;
        main_sent++;
        main_receiving = false;
    }
}

static uint32_t echo_left, echo_value;
static bool echo_sending;

static void echo_step(void)
{
    for (;;) {
        if (!echo_sending) {
            if (echo_left == 0)
                return;
            if (!receive(&ping, &echo_value, ECHO))
                return;
            echo_sending = true;
        }
        if (!send(&pong, echo_value, ECHO))
            return;
        echo_left--;
        echo_sending = false;
    }
}

void run(void)
{
    rounds = echo_left = ROUNDS;
    for (;;) {
        irq_disable();
        uint32_t now = ready;
        ready = 0;
        if (now == 0)
            wait_for_interrupt();
        irq_enable();
        if (now & MAIN)
            main_step();
        if (now & ECHO)
            echo_step();
    }
}
