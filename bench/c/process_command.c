/* process_command awaits send_response in either arm: one waiting state for both. */
#include "common.h"

static uint32_t next;

static uint32_t get_command(void) {
    next += 1;
    return next % 2;
}

static struct {
    uint8_t waiting;   /* send_response has yielded and will answer `code` */
    int32_t code, total;
    uint32_t i;
} st;

static bool program_poll(void *unused) {
    (void)unused;
    while (st.i < 10) {
        if (!st.waiting) {
            st.code = get_command() == 0 ? 123 : 456;
            st.waiting = 1;
            mote_wake_current();
            return false;
        }
        st.waiting = 0;
        st.total += st.code;
        st.i++;
    }
    PRINT_LIT("total = ");
    mote_print_i64(st.total);
    PRINT_LIT("\n");
    mote_exit(st.total % 256);
}
