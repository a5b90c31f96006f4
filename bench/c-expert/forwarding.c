/* examples/forwarding.mote by hand: the fwd1..fwd3 chain only forwards, so main calls leaf
 * directly; leaf yields once per call, so main is a task whose state is where it is. */
#define EXPERT_TASKS 1
#include "expert.h"

enum { MAIN };

static struct {
    uint32_t i, sum;
    bool yielded; /* leaf has yielded once for call i */
} m;

static void main_step(void)
{
    while (m.i < 10) {
        if (!m.yielded) {
            m.yielded = true;
            WAKE(MAIN);
            return;
        }
        m.yielded = false;
        m.sum += m.i + 1;
        m.i++;
    }
    print("sum = ");
    print_u32(m.sum);
    print("\n");
    exit_program((int32_t)m.sum);
}

int main(void)
{
    static void (*const steps[EXPERT_TASKS])(void) = {main_step};
    run_tasks(steps);
}
