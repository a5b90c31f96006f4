//! examples/foo_bar.mote: an async fn that never suspends, awaited twice.
#![no_std]
#![no_main]

#[path = "rt.rs"]
mod rt;
use rt::say;

async fn foo() -> i32 {
    5
}

async fn bar() -> i32 {
    foo().await + foo().await
}

async fn main() -> i32 {
    let v = bar().await;
    say!("bar() = ", v);
    v
}

fn start() -> ! {
    rt::run_tasks!(main: main())
}
