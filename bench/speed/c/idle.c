/* Idle loop, expert C: Timer0A fires every 100 us while main waits; the handler only counts, so
 * every interrupt but the N-th wakes the executor from WFI to find nothing ready and go back to
 * WFI. The N-th sets main's ready bit. */
#include "bare.h"

enum { MAIN = 1u << 0 };

static uint32_t ready = MAIN;
static uint32_t limit, wakes;

void Timer0A_Handler(void)
{
    TIMER0_ICR = 1;
    if (++wakes == limit)
        ready |= MAIN;
}

static bool main_started;

static void main_step(void)
{
    if (main_started)
        bare_exit(0);
    timer0a_start_periodic(1200);   /* 100 us at 12 MHz */
    main_started = true;
}

void run(void)
{
    limit = ROUNDS;
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
