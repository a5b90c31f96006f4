//! examples/pre_post.mote: work before the await (preamble) and after it (postamble).
#![no_std]
#![no_main]
#![feature(type_alias_impl_trait)] // the tasks' static slots (rt.rs)

#[path = "rt.rs"]
mod rt;
use rt::{say, yield_now};

async fn foo(flag: bool) -> i32 {
    yield_now().await;
    if flag { 7 } else { 3 }
}

async fn bar(input: u32) -> i32 {
    let blah = input > 10;
    let r = foo(blah).await;
    r * 2
}

async fn main() -> i32 {
    let a = bar(20).await;
    let b = bar(5).await;
    say!("a = ", a, ", b = ", b);
    a + b
}

rt::tasks!(main: main());
