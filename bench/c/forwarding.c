/* The forwarding chain collapses into leaf: one yield per call, state = where we are. */
#include "common.h"

static struct {
    uint8_t yielded;   /* leaf has yielded once for the current call */
    uint32_t i, sum;
} st;

void mote_program_init(void) {}

bool mote_program_poll_main(int32_t *exit_code) {
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
    *exit_code = (int32_t)st.sum;
    return true;
}
