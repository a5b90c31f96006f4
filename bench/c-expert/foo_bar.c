/* examples/foo_bar.mote by hand: foo() never waits, so neither does bar(): plain functions,
 * no task and no executor. */
#include "expert.h"

static int32_t foo(void)
{
    return 5;
}

static int32_t bar(void)
{
    return foo() + foo();
}

int main(void)
{
    int32_t v = bar();
    print("bar() = ");
    print_i32(v);
    print("\n");
    return v;
}
