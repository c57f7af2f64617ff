//! `cargo stylus export-abi` shim: prints the contract's Solidity interface.
#![cfg_attr(not(feature = "export-abi"), no_main)]

#[cfg(feature = "export-abi")]
fn main() {
    zamm::print_from_args();
}
