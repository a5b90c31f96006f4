//! examples/foo_bar.mote: an async fn that never suspends, awaited twice.
#![no_std]
#![no_main]
#![feature(type_alias_impl_trait)] // the tasks' static slots (rt.rs)

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

rt::tasks!(main: main());
