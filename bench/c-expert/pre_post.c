/* examples/pre_post.mote by hand: bar(input) = 2 * foo(input > 10), and foo yields once
 * before answering; main calls bar(20), then bar(5). */
#define EXPERT_TASKS 1
#include "expert.h"

enum { MAIN };

static struct {
    uint8_t call;  /* 0: bar(20), 1: bar(5) */
    bool yielded;  /* foo has yielded once for this call */
    int32_t a;
} m;

static int32_t foo_answer(bool flag)
{
    return flag ? 7 : 3;
}

static void main_step(void)
{
    for (; m.call < 2; m.call++) {
        if (!m.yielded) {
            m.yielded = true;
            WAKE(MAIN);
            return;
        }
        m.yielded = false;
        uint32_t input = m.call == 0 ? 20u : 5u;
        int32_t r = foo_answer(input > 10) * 2;
        if (m.call == 0) {
            m.a = r;
            continue;
        }
        print("a = ");
        print_i32(m.a);
        print(", b = ");
        print_i32(r);
        print("\n");
        exit_program(m.a + r);
    }
}

int main(void)
{
    static void (*const steps[EXPERT_TASKS])(void) = {main_step};
    run_tasks(steps);
}
