/* async fn main() -> i32 { 0 } */
#include "common.h"

static bool program_poll(void *unused) {
    (void)unused;
    mote_exit(0);
}
