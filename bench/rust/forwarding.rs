//! examples/forwarding.mote: a three-level forwarding chain; leaf yields once.
#![no_std]
#![no_main]
#![feature(type_alias_impl_trait)] // the tasks' static slots (rt.rs)

#[path = "rt.rs"]
mod rt;
use rt::{say, yield_now};

async fn leaf(x: u32) -> u32 {
    yield_now().await;
    x + 1
}

async fn fwd1(x: u32) -> u32 {
    leaf(x).await
}

async fn fwd2(x: u32) -> u32 {
    fwd1(x).await
}

async fn fwd3(x: u32) -> u32 {
    fwd2(x).await
}

async fn main() -> i32 {
    let mut sum: u32 = 0;
    for i in 0..10 {
        sum += fwd3(i).await;
    }
    say!("sum = ", sum);
    sum as i32
}

rt::tasks!(main: main());
