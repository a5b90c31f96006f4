/* bench/empty.mote by hand: `async fn main() -> i32 { 0 }`. What every image pays. */
#include "expert.h"

int main(void)
{
    return 0;
}
