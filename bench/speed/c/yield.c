/* Yield switch, expert C: main and one other task yield to each other N times each. One step
 * function per task runs to its next yield; the executor takes the ready bitmask with
 * interrupts masked and runs every task whose bit was set. */
#include "bare.h"

enum { MAIN = 1u << 0, OTHER = 1u << 1 };

static uint32_t ready = MAIN | OTHER;
static uint32_t main_left, other_left;

static void main_step(void)
{
    if (main_left == 0)
        bare_exit(0);
    main_left--;
    ready |= MAIN;   /* yield: ready again, after the others */
}

static void other_step(void)
{
    if (other_left == 0)
        return;      /* finished */
    other_left--;
    ready |= OTHER;
}

void run(void)
{
    main_left = other_left = ROUNDS;
    for (;;) {
        irq_disable();
        uint32_t now = ready;
        ready = 0;
        if (now == 0)
            wait_for_interrupt();
        irq_enable();
        if (now & MAIN)
            main_step();
        if (now & OTHER)
            other_step();
    }
}
