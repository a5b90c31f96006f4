/* Timer expiry to task, expert C: main sleeps 100 us, N times. A sleep programs SysTick to
 * fire once, that many core cycles from now; its handler stops it and sets main's ready bit. */
#include "bare.h"

enum { MAIN = 1u << 0 };

static uint32_t ready = MAIN;

void SysTick_Handler(void)
{
    SYST_CSR = 0;
    ready |= MAIN;
}

static void sleep_cycles(uint32_t cycles)
{
    SYST_RVR = cycles - 1u;
    SYST_CVR = 0;
    SYST_CSR = 7;   /* core clock, interrupt, enabled */
}

static uint32_t rounds, main_slept;
static bool main_sleeping;

static void main_step(void)
{
    if (main_sleeping) {
        main_sleeping = false;
        main_slept++;
    }
    if (main_slept == rounds)
        bare_exit(0);
    sleep_cycles(1200);   /* 100 us at 12 MHz */
    main_sleeping = true;
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
