/* examples/process_command.mote by hand: both arms await send_response, which yields once
 * and returns its code: one waiting state, the code kept across it. */
#define EXPERT_TASKS 1
#include "expert.h"

enum { MAIN };

static uint32_t next;

static uint32_t get_command(void)
{
    next += 1;
    return next % 2;
}

static struct {
    uint32_t i;
    int32_t code, total;
    bool waiting; /* send_response(code) has yielded */
} m;

static void main_step(void)
{
    while (m.i < 10) {
        if (!m.waiting) {
            m.code = get_command() == 0 ? 123 : 456;
            m.waiting = true;
            WAKE(MAIN);
            return;
        }
        m.waiting = false;
        m.total += m.code;
        m.i++;
    }
    print("total = ");
    print_i32(m.total);
    print("\n");
    exit_program(m.total % 256);
}

int main(void)
{
    static void (*const steps[EXPERT_TASKS])(void) = {main_step};
    run_tasks(steps);
}
