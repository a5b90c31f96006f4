/* Interrupt to task, expert C: Timer0A fires every 100 us; its handler raises a signal (a value
 * and a flag) and sets the ready bit of the task waiting on it; main waits N times. The task
 * reads the signal with interrupts masked, since the handler writes it. */
#include "bare.h"

enum { MAIN = 1u << 0 };

static uint32_t ready = MAIN;

static struct {
    uint32_t value;
    bool raised;
    uint8_t waiter;
} tick;

void Timer0A_Handler(void)
{
    TIMER0_ICR = 1;
    tick.value = 1;
    tick.raised = true;
    ready |= tick.waiter;
    tick.waiter = 0;
}

static bool wait(uint32_t *value, uint8_t self)
{
    irq_disable();
    bool raised = tick.raised;
    if (raised) {
        *value = tick.value;
        tick.raised = false;
    } else {
        tick.waiter = self;
    }
    irq_enable();
    return raised;
}

static uint32_t rounds, main_received;
static bool main_started;

static void main_step(void)
{
    if (!main_started) {
        timer0a_start_periodic(1200);   /* 100 us at 12 MHz */
        main_started = true;
    }
    for (;;) {
        if (main_received == rounds)
            bare_exit(0);
        uint32_t value;
        if (!wait(&value, MAIN))
            return;
        main_received++;
    }
}

void run(void)
{
    rounds = ROUNDS;
    for (;;) {
        irq_disable();
        uint32_t now = ready;
        ready = 0;
        if (now == 0)
            wait_for_interrupt();
        irq_enable();
        if (now & MAIN)
            main_step();
    }
}
