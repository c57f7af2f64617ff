//! zAMM singleton exchange for Arbitrum Stylus (skeleton; filled in by the contract-core work).
#![cfg_attr(not(any(test, feature = "export-abi")), no_main)]
extern crate alloc;

use stylus_sdk::prelude::*;

/// The zAMM singleton.
#[storage]
#[entrypoint]
pub struct ZAMM {}

#[public]
impl ZAMM {}
