/* The forwarding chain collapses into leaf: one yield per call, state = where we are. */
#include "common.h"

static struct {
    uint8_t yielded;   /* leaf has yielded once for the current call */
    uint32_t i, sum;
} st;

static bool program_poll(void *unused) {
    (void)unused;
    while (st.i < 10) {
        if (!st.yielded) {
            st.yielded = 1;
            mote_wake_current();
            return false;
        }
        st.yielded = 0;
        st.sum += st.i + 1;
        st.i++;
    }
    PRINT_LIT("sum = ");
    mote_print_u64(st.sum);
    PRINT_LIT("\n");
    mote_exit((int32_t)st.sum);
}
