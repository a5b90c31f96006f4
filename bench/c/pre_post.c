/* bar(input) = 2 * foo(input > 10), foo yields once: a yield flag, the flag, the step. */
#include "common.h"

static struct {
    uint8_t step;      /* 0: bar(20), 1: bar(5), 2: done */
    uint8_t yielded;
    int32_t a;
} st;

static bool program_poll(void *unused) {
    (void)unused;
    while (st.step < 2) {
        if (!st.yielded) {
            st.yielded = 1;
            mote_wake_current();
            return false;
        }
        st.yielded = 0;
        bool flag = (st.step == 0 ? 20u : 5u) > 10;
        int32_t r = (flag ? 7 : 3) * 2;
        if (st.step == 0) st.a = r; else {
            PRINT_LIT("a = ");
            mote_print_i64(st.a);
            PRINT_LIT(", b = ");
            mote_print_i64(r);
            PRINT_LIT("\n");
            mote_exit(st.a + r);
        }
        st.step++;
    }
    return true;
}
