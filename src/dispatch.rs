//! The calldata dispatcher: zAMM's entrypoint.
//!
//! Why not the SDK router: every `#[public]` method gets its own monomorphised alloy decoder
//! and the router inlines them all; for zAMM's 26 methods that came to ~47 KB of the ~99 KB
//! binary (over 8 KB brotli, a third of the 24 KB limit). zAMM's arguments are fixed words plus
//! at most one trailing `bytes`/`string`, so this reads them directly with Solidity's checks
//! (short calldata, dirty high bits of `address`/`bool`/`uintN`/`bytes4`, out-of-range
//! dynamic offsets: all revert with empty data) and calls the same `#[public]` trait methods,
//! which keep providing `export-abi` and the typed unit-test surface.
//!
//! Selectors and mutability mirror `abi/reference/zamm-abi.json` (checked by unit tests):
//! non-payable and view methods reject `msg.value` with an empty revert, unknown selectors and
//! 1..3-byte calldata revert empty (no fallback), empty calldata goes to `receive()`.

use alloc::vec::Vec;
use stylus_sdk::{
    abi::CONSTRUCTOR_SELECTOR,
    alloy_primitives::{Address, FixedBytes, Uint, U256},
    host::VM,
    prelude::*,
    storage::StorageType,
    ArbResult,
};

use crate::{Erc6909, Lockups, Orders, PoolKey, Pools, ZammError, ZAMM};

/// Entrypoint body: builds the contract view over the host and routes the call.
pub(crate) fn entry(input: Vec<u8>, host: VM) -> ArbResult {
    // SAFETY: the storage root is slot 0 as for any `#[entrypoint]` struct; ZAMM has no fields.
    let mut zamm = unsafe { <ZAMM as StorageType>::new(U256::ZERO, 0, host) };
    zamm.route(&input).map_err(|err| zamm.revert_data(err))
}

/// The empty revert Solidity produces for malformed calldata.
fn malformed() -> ZammError {
    ZammError::Revert
}

/// ABI words as return data.
fn ret(words: &[U256]) -> Vec<u8> {
    let mut out = Vec::with_capacity(32 * words.len());
    crate::storage::put_words(&mut out, words);
    out
}

/// A `uintN` as a word.
fn widen<const B: usize, const L: usize>(x: Uint<B, L>) -> U256 {
    U256::wrapping_from(x)
}

/// An entry point's calling convention as one integer: a 4-bit kind per head word (first
/// argument in the low nibble, a zero nibble ends the list) plus the [`PAYABLE`] bit. An
/// immediate in code rather than a table: Stylus charges every call ~0.75 gas per byte of
/// constant data, code only ~0.13 gas per byte when uncached.
type Spec = u64;

/// `uint256` / `bytes32` (any value).
const UINT: Spec = 1;
const ADDR: Spec = 2;
const U96: Spec = 3;
const U56: Spec = 4;
/// `bool`: exactly 0 or 1.
const BOOL: Spec = 5;
/// `bytes4`: left-aligned, the low 28 bytes must be zero.
const B4: Spec = 6;
/// Accepts `msg.value`; every other entry point rejects it.
const PAYABLE: Spec = 1 << 63;

/// Packs argument kinds into a [`Spec`].
const fn spec(kinds: &[Spec]) -> Spec {
    let mut out = 0;
    let mut i = 0;
    while i < kinds.len() {
        out |= kinds[i] << (4 * i);
        i += 1;
    }
    out
}

/// A `PoolKey` (id0, id1, token0, token1, feeOrHook) followed by `rest`.
///
/// Accepted deviation: dirty `token0`/`token1` words revert empty at decode time. solc
/// validates a `PoolKey calldata` member only when it is first read, so for such a (malformed)
/// key the reference may first revert with an earlier error (`Expired`, zero amounts, hook or
/// fee reverts, ...). Either way the call reverts and nothing changes; deferring the check to
/// each first use would cost code size on every pool path.
const fn key_spec(rest: &[Spec]) -> Spec {
    spec(&[UINT, UINT, ADDR, ADDR, UINT]) | (spec(rest) << 20)
}

/// The calling convention of each entry point; `None` for an unknown selector.
fn entry_spec(selector: u32) -> Option<Spec> {
    Some(match selector {
        0x00fd_d58e => const { spec(&[ADDR, UINT]) }, // balanceOf
        0x598a_f9e7 => const { spec(&[ADDR, ADDR, UINT]) }, // allowance
        0xb636_3cf2 => const { spec(&[ADDR, ADDR]) }, // isOperator
        0x095b_cdb6 | 0x426a_8493 => const { spec(&[ADDR, UINT, UINT]) }, // transfer, approve
        0xfe99_049a => const { spec(&[ADDR, ADDR, UINT, UINT]) }, // transferFrom
        0x558a_7297 => const { spec(&[ADDR, BOOL]) }, // setOperator
        0x01ff_c9a7 => const { spec(&[B4]) },         // supportsInterface
        0xc429_57a8 => const { PAYABLE | key_spec(&[UINT, UINT, UINT, UINT, ADDR, UINT]) }, // addLiquidity
        0x8c1e_8f57 => const { key_spec(&[UINT, UINT, UINT, ADDR, UINT]) }, // removeLiquidity
        // swapExactIn, swapExactOut
        0x3c5e_ec50 | 0x38c3_f8db => const { PAYABLE | key_spec(&[UINT, UINT, BOOL, ADDR, UINT]) },
        0xa7b4_9197 => const { key_spec(&[UINT, UINT, ADDR, UINT]) }, // swap (last: `bytes` offset)
        0xac4a_fa38 | 0x9c3f_1e90 | 0x346c_fccc => const { spec(&[UINT]) }, // pools, orders, lockups
        0x2dd1_a516 => const { PAYABLE | spec(&[ADDR, UINT, U96, ADDR, UINT, U96, U56, BOOL]) }, // makeOrder
        0x07b9_9000 => const { spec(&[ADDR, UINT, U96, ADDR, UINT, U96, U56, BOOL]) }, // cancelOrder
        0x4f05_d57b => {
            const { PAYABLE | spec(&[ADDR, ADDR, UINT, U96, ADDR, UINT, U96, U56, BOOL, U96]) }
        } // fillOrder
        0xf565_b772 => const { PAYABLE | spec(&[ADDR, ADDR, UINT, UINT, UINT]) },      // lockup
        0x7661_5b80 => const { spec(&[ADDR, ADDR, UINT, UINT, UINT]) },                // unlock
        0x50ab_148f => const { spec(&[ADDR, UINT, UINT]) }, // coin (last: `string` offset)
        0x0efe_6a8b => const { PAYABLE | spec(&[ADDR, UINT, UINT]) }, // deposit
        0xa647_fc2a => const { spec(&[ADDR, UINT, ADDR]) }, // recoverTransientBalance
        0xf469_01ed | 0xa2e7_4af6 => const { PAYABLE | spec(&[ADDR]) }, // setFeeTo, setFeeToSetter
        CONSTRUCTOR_SELECTOR => PAYABLE,
        _ => return None,
    })
}

/// Calldata arguments (after the selector). [`Args::check`] applies Solidity's validation
/// once per call; the readers then cannot fail (an absent word reads as zero).
struct Args<'a>(&'a [u8]);

impl<'a> Args<'a> {
    /// The raw 32 bytes at byte offset `at`, if present.
    fn chunk_at(&self, at: usize) -> Option<&'a [u8; 32]> {
        self.0
            .get(at..at.checked_add(32)?)
            .and_then(|c| c.try_into().ok())
    }

    /// Short calldata or a head word with dirty bits for its kind reverts empty, like solc.
    fn check(&self, spec: Spec) -> Result<(), ZammError> {
        let mut kinds = spec & !PAYABLE;
        let mut at = 0;
        while kinds != 0 {
            let w = self.chunk_at(at).ok_or_else(malformed)?;
            let zero = |bytes: &[u8]| bytes.iter().all(|&b| b == 0);
            let clean = match kinds & 0xf {
                BOOL => zero(&w[..31]) && w[31] <= 1,
                B4 => zero(&w[4..]),
                ADDR => zero(&w[..12]),
                U96 => zero(&w[..20]),
                U56 => zero(&w[..25]),
                _ => true,
            };
            if !clean {
                return Err(malformed());
            }
            kinds >>= 4;
            at += 32;
        }
        Ok(())
    }

    /// Head word `i` as `uint256` / `bytes32`.
    fn word(&self, i: usize) -> U256 {
        self.chunk_at(32 * i)
            .map_or(U256::ZERO, |w| crate::storage::from_be(*w))
    }

    /// Head word `i` as a checked `uintN`.
    fn uint<const B: usize, const L: usize>(&self, i: usize) -> Uint<B, L> {
        Uint::wrapping_from(self.word(i))
    }

    fn address(&self, i: usize) -> Address {
        self.chunk_at(32 * i)
            .map_or(Address::ZERO, |w| Address::from_word((*w).into()))
    }

    fn flag(&self, i: usize) -> bool {
        self.chunk_at(32 * i).is_some_and(|w| w[31] != 0)
    }

    fn bytes4(&self, i: usize) -> FixedBytes<4> {
        self.chunk_at(32 * i)
            .map_or(FixedBytes::ZERO, |w| FixedBytes([w[0], w[1], w[2], w[3]]))
    }

    /// `PoolKey` tuple starting at head word `i` (see [`key_kinds`]).
    fn key(&self, i: usize) -> PoolKey {
        PoolKey {
            id0: self.word(i),
            id1: self.word(i + 1),
            token0: self.address(i + 2),
            token1: self.address(i + 3),
            feeOrHook: self.word(i + 4),
        }
    }

    /// Dynamic `bytes`/`string` whose offset is head word `i`; must lie within the calldata.
    fn bytes(&self, i: usize) -> Result<&'a [u8], ZammError> {
        let offset = usize::try_from(self.word(i)).map_err(|_| malformed())?;
        let len_word = crate::storage::from_be(*self.chunk_at(offset).ok_or_else(malformed)?);
        let len = usize::try_from(len_word).map_err(|_| malformed())?;
        let start = offset + 32;
        let end = start.checked_add(len).ok_or_else(malformed)?;
        self.0.get(start..end).ok_or_else(malformed)
    }
}

impl ZAMM {
    /// The revert data of `err`; `Bubble` passes on the failed callee's return data.
    fn revert_data(&self, err: ZammError) -> Vec<u8> {
        match err {
            ZammError::Bubble => self.vm().read_return_data(0, None),
            _ => Vec::from(err),
        }
    }

    /// Routes one call; `Ok` is the ABI-encoded return data.
    fn route(&mut self, input: &[u8]) -> Result<Vec<u8>, ZammError> {
        let Some((head, rest)) = input.split_first_chunk::<4>() else {
            if input.is_empty() {
                let _ = self.receive();
                return Ok(Vec::new());
            }
            return Err(malformed());
        };
        let selector = u32::from_be_bytes(*head);
        let spec = entry_spec(selector).ok_or_else(malformed)?;
        if spec & PAYABLE == 0 && !self.value().is_zero() {
            return Err(malformed());
        }
        let a = Args(rest);
        a.check(spec)?;
        Ok(match selector {
            // --- ERC-6909 ---
            0x00fd_d58e => ret(&[self.balance_of(a.address(0), a.word(1))]),
            0x598a_f9e7 => ret(&[self.allowance(a.address(0), a.address(1), a.word(2))]),
            0xb636_3cf2 => ret(&[U256::from(
                self.is_operator(a.address(0), a.address(1)) as u8
            )]),
            0x095b_cdb6 => {
                let ok = self.transfer(a.address(0), a.word(1), a.word(2))?;
                ret(&[U256::from(ok as u8)])
            }
            0xfe99_049a => {
                let ok = self.transfer_from(a.address(0), a.address(1), a.word(2), a.word(3))?;
                ret(&[U256::from(ok as u8)])
            }
            0x426a_8493 => ret(&[U256::from(
                self.approve(a.address(0), a.word(1), a.word(2)) as u8
            )]),
            0x558a_7297 => ret(&[U256::from(self.set_operator(a.address(0), a.flag(1)) as u8)]),
            0x01ff_c9a7 => ret(&[U256::from(ZAMM::supports_interface(a.bytes4(0)) as u8)]),
            // --- pools ---
            0xc429_57a8 => {
                let (a0, a1, liq) = self.add_liquidity(
                    a.key(0),
                    a.word(5),
                    a.word(6),
                    a.word(7),
                    a.word(8),
                    a.address(9),
                    a.word(10),
                )?;
                ret(&[a0, a1, liq])
            }
            0x8c1e_8f57 => {
                let (a0, a1) = self.remove_liquidity(
                    a.key(0),
                    a.word(5),
                    a.word(6),
                    a.word(7),
                    a.address(8),
                    a.word(9),
                )?;
                ret(&[a0, a1])
            }
            0x3c5e_ec50 => ret(&[self.swap_exact_in(
                a.key(0),
                a.word(5),
                a.word(6),
                a.flag(7),
                a.address(8),
                a.word(9),
            )?]),
            0x38c3_f8db => ret(&[self.swap_exact_out(
                a.key(0),
                a.word(5),
                a.word(6),
                a.flag(7),
                a.address(8),
                a.word(9),
            )?]),
            0xa7b4_9197 => {
                self.swap_raw(a.key(0), a.word(5), a.word(6), a.address(7), a.bytes(8)?)?;
                Vec::new()
            }
            0xac4a_fa38 => {
                let (r0, r1, ts, p0, p1, k, supply) = self.pools(a.word(0));
                ret(&[widen(r0), widen(r1), U256::from(ts), p0, p1, k, supply])
            }
            // --- orders and lockups ---
            0x2dd1_a516 => ret(&[self
                .make_order(
                    a.address(0),
                    a.word(1),
                    a.uint(2),
                    a.address(3),
                    a.word(4),
                    a.uint(5),
                    a.uint(6),
                    a.flag(7),
                )?
                .into()]),
            0x4f05_d57b => {
                self.fill_order(
                    a.address(0),
                    a.address(1),
                    a.word(2),
                    a.uint(3),
                    a.address(4),
                    a.word(5),
                    a.uint(6),
                    a.uint(7),
                    a.flag(8),
                    a.uint(9),
                )?;
                Vec::new()
            }
            0x07b9_9000 => {
                self.cancel_order(
                    a.address(0),
                    a.word(1),
                    a.uint(2),
                    a.address(3),
                    a.word(4),
                    a.uint(5),
                    a.uint(6),
                    a.flag(7),
                )?;
                Vec::new()
            }
            0x9c3f_1e90 => {
                let (partial, deadline, in_done, out_done) = self.orders(a.word(0).into());
                ret(&[
                    U256::from(partial as u8),
                    widen(deadline),
                    widen(in_done),
                    widen(out_done),
                ])
            }
            0xf565_b772 => ret(&[self
                .lockup(a.address(0), a.address(1), a.word(2), a.word(3), a.word(4))?
                .into()]),
            0x7661_5b80 => {
                self.unlock_lockup(a.address(0), a.address(1), a.word(2), a.word(3), a.word(4))?;
                Vec::new()
            }
            0x346c_fccc => ret(&[self.lockups(a.word(0).into())]),
            // --- factory, credits, admin ---
            0x50ab_148f => ret(&[self.create_coin(a.address(0), a.word(1), a.bytes(2)?)]),
            0x0efe_6a8b => {
                self.deposit(a.address(0), a.word(1), a.word(2))?;
                Vec::new()
            }
            0xa647_fc2a => {
                ret(&[self.recover_transient_balance(a.address(0), a.word(1), a.address(2))?])
            }
            0xf469_01ed => {
                self.set_fee_to(a.address(0))?;
                Vec::new()
            }
            0xa2e7_4af6 => {
                self.set_fee_to_setter(a.address(0))?;
                Vec::new()
            }
            CONSTRUCTOR_SELECTOR => {
                self.claim_constructor()?;
                self.constructor()?;
                Vec::new()
            }
            _ => return Err(malformed()),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::storage::addr_word;
    use crate::testing::*;
    use stylus_sdk::alloy_sol_types::SolCall;

    mod iface {
        stylus_sdk::alloy_sol_types::sol! {
            struct PoolKey { uint256 id0; uint256 id1; address token0; address token1; uint256 feeOrHook; }
            function addLiquidity(PoolKey poolKey, uint256 amount0Desired, uint256 amount1Desired, uint256 amount0Min, uint256 amount1Min, address to, uint256 deadline) payable returns (uint256 amount0, uint256 amount1, uint256 liquidity);
            function swap(PoolKey poolKey, uint256 amount0Out, uint256 amount1Out, address to, bytes data);
            function pools(uint256 poolId) view returns (uint112 reserve0, uint112 reserve1, uint32 blockTimestampLast, uint256 price0CumulativeLast, uint256 price1CumulativeLast, uint256 kLast, uint256 supply);
            function coin(address creator, uint256 supply, string uri) returns (uint256 coinId);
            function balanceOf(address owner, uint256 id) view returns (uint256 amount);
            function makeOrder(address tokenIn, uint256 idIn, uint96 amtIn, address tokenOut, uint256 idOut, uint96 amtOut, uint56 deadline, bool partialFill) payable returns (bytes32 orderHash);
        }
    }
    /// Canonical signature of an ABI JSON function (tuples expanded).
    fn canonical(f: &serde_json::Value) -> String {
        fn ty(p: &serde_json::Value) -> String {
            let t = p["type"].as_str().unwrap();
            if let Some(rest) = t.strip_prefix("tuple") {
                let inner: Vec<String> =
                    p["components"].as_array().unwrap().iter().map(ty).collect();
                format!("({}){rest}", inner.join(","))
            } else {
                t.to_string()
            }
        }
        let args: Vec<String> = f["inputs"].as_array().unwrap().iter().map(ty).collect();
        format!("{}({})", f["name"].as_str().unwrap(), args.join(","))
    }

    fn reference_functions() -> Vec<(u32, bool)> {
        let abi: serde_json::Value =
            serde_json::from_str(include_str!("../abi/reference/zamm-abi.json")).unwrap();
        let items = abi.get("abi").unwrap_or(&abi).as_array().unwrap().clone();
        items
            .iter()
            .filter(|f| f["type"] == "function")
            .map(|f| {
                let hash = stylus_sdk::crypto::keccak(canonical(f).as_bytes());
                let selector = u32::from_be_bytes([hash[0], hash[1], hash[2], hash[3]]);
                (selector, f["stateMutability"] == "payable")
            })
            .collect()
    }

    fn routed(z: &mut ZAMM, input: &[u8]) -> Result<Vec<u8>, ZammError> {
        let out = z.route(input);
        crate::transient::clear();
        out
    }

    #[test]
    fn every_reference_function_is_routed_with_its_mutability() {
        let functions = reference_functions();
        assert_eq!(functions.len(), 26);
        for (selector, payable) in functions {
            let mut input = selector.to_be_bytes().to_vec();
            input.resize(4 + 32 * 12, 0);
            let (vm, mut z) = setup();
            let got = routed(&mut z, &input);
            assert_ne!(got, Err(ZammError::Revert), "{selector:08x} not routed");
            vm.set_value(U256::from(1));
            let with_value = routed(&mut z, &input);
            assert_eq!(
                with_value == Err(ZammError::Revert),
                !payable,
                "{selector:08x}: payable = {payable}"
            );
            assert_eq!(entry_spec(selector).unwrap() & PAYABLE != 0, payable);
        }
        assert_eq!(entry_spec(CONSTRUCTOR_SELECTOR), Some(PAYABLE));
    }

    #[test]
    fn unknown_or_short_selectors_revert_empty_and_empty_calldata_is_receive() {
        let (vm, mut z) = setup();
        assert_eq!(
            routed(&mut z, &[0xde, 0xad, 0xbe, 0xef]),
            Err(ZammError::Revert)
        );
        assert_eq!(routed(&mut z, &[0x00, 0xfd, 0xd5]), Err(ZammError::Revert));
        vm.set_value(U256::from(4));
        assert_eq!(z.route(&[]), Ok(vec![]));
        assert_eq!(z.take_all_credit(Address::ZERO, U256::ZERO), U256::from(4));
    }

    #[test]
    fn malformed_arguments_revert_empty() {
        let (_vm, mut z) = setup();
        let empty = Err(ZammError::Revert);
        let mut balance_of = 0x00fd_d58eu32.to_be_bytes().to_vec();
        balance_of.resize(4 + 63, 0);
        assert_eq!(routed(&mut z, &balance_of), empty, "short calldata");
        balance_of.push(0);
        assert!(routed(&mut z, &balance_of).is_ok());
        balance_of[4] = 1;
        assert_eq!(routed(&mut z, &balance_of), empty, "dirty address");
        let mut set_operator = 0x558a_7297u32.to_be_bytes().to_vec();
        set_operator.resize(4 + 64, 0);
        set_operator[4 + 63] = 2;
        assert_eq!(routed(&mut z, &set_operator), empty, "bool out of range");
        let mut supports = 0x01ff_c9a7u32.to_be_bytes().to_vec();
        supports.resize(4 + 32, 0);
        supports[4 + 31] = 1;
        assert_eq!(routed(&mut z, &supports), empty, "dirty bytes4");
        let mut make = iface::makeOrderCall {
            tokenIn: TOKEN_A,
            idIn: U256::ZERO,
            amtIn: Uint::from(1),
            tokenOut: TOKEN_B,
            idOut: U256::ZERO,
            amtOut: Uint::from(1),
            deadline: Uint::from(1),
            partialFill: false,
        }
        .abi_encode();
        make[4 + 2 * 32 + 19] = 1; // amtIn = 2^96: not a uint96
        assert_eq!(routed(&mut z, &make), empty, "uint96 out of range");
        let mut coin = iface::coinCall {
            creator: BOB,
            supply: U256::ZERO,
            uri: "x".into(),
        }
        .abi_encode();
        coin[4 + 2 * 32 + 31] = 0xff; // string offset beyond the calldata
        assert_eq!(routed(&mut z, &coin), empty, "bad offset");
        // uint56 deadline: 2^56 - 1 decodes, 2^56 does not.
        let mut make = iface::makeOrderCall {
            tokenIn: TOKEN_A,
            idIn: U256::ZERO,
            amtIn: Uint::from(1),
            tokenOut: TOKEN_B,
            idOut: U256::ZERO,
            amtOut: Uint::from(1),
            deadline: Uint::from((1u64 << 56) - 1),
            partialFill: true,
        }
        .abi_encode();
        assert!(routed(&mut z, &make).is_ok(), "uint56 max");
        make[4 + 6 * 32 + 24] = 1;
        assert_eq!(routed(&mut z, &make), empty, "uint56 out of range");
        // A dirty PoolKey token word, and a head one word short.
        let key = iface::PoolKey {
            id0: U256::from(1),
            id1: U256::from(2),
            token0: ZAMM_ADDR,
            token1: ZAMM_ADDR,
            feeOrHook: U256::from(30),
        };
        let mut add = iface::addLiquidityCall {
            poolKey: key,
            amount0Desired: U256::from(1),
            amount1Desired: U256::from(1),
            amount0Min: U256::ZERO,
            amount1Min: U256::ZERO,
            to: ALICE,
            deadline: U256::MAX,
        }
        .abi_encode();
        let mut short = add.clone();
        short.truncate(4 + 10 * 32);
        assert_eq!(routed(&mut z, &short), empty, "short head");
        add[4 + 3 * 32 + 11] = 1;
        assert_eq!(routed(&mut z, &add), empty, "dirty token1");
    }

    #[test]
    fn calls_decode_like_solidity_and_return_abi_words() {
        let (vm, mut z) = setup();
        let out = routed(
            &mut z,
            &iface::coinCall {
                creator: ALICE,
                supply: U256::from(10u128.pow(20)),
                uri: "ü".into(),
            }
            .abi_encode(),
        );
        assert_eq!(
            iface::coinCall::abi_decode_returns(&out.unwrap()).unwrap(),
            U256::from(1)
        );
        routed(
            &mut z,
            &iface::coinCall {
                creator: ALICE,
                supply: U256::from(10u128.pow(20)),
                uri: String::new(),
            }
            .abi_encode(),
        )
        .unwrap();
        let key = iface::PoolKey {
            id0: U256::from(1),
            id1: U256::from(2),
            token0: ZAMM_ADDR,
            token1: ZAMM_ADDR,
            feeOrHook: U256::from(30),
        };
        let add = iface::addLiquidityCall {
            poolKey: key.clone(),
            amount0Desired: U256::from(10u64.pow(18)),
            amount1Desired: U256::from(4 * 10u64.pow(18)),
            amount0Min: U256::ZERO,
            amount1Min: U256::ZERO,
            to: ALICE,
            deadline: U256::MAX,
        };
        let ret = iface::addLiquidityCall::abi_decode_returns(
            &routed(&mut z, &add.abi_encode()).unwrap(),
        )
        .unwrap();
        assert_eq!(ret.liquidity, U256::from(2 * 10u64.pow(18) - 1000));
        let pool_id = z.pool_id(&PoolKey {
            id0: key.id0,
            id1: key.id1,
            token0: key.token0,
            token1: key.token1,
            feeOrHook: key.feeOrHook,
        });
        let pools = iface::poolsCall::abi_decode_returns(
            &routed(&mut z, &iface::poolsCall { poolId: pool_id }.abi_encode()).unwrap(),
        )
        .unwrap();
        assert_eq!(pools.reserve1, Uint::from(4 * 10u64.pow(18)));
        assert_eq!(pools.supply, U256::from(2 * 10u64.pow(18)));
        let balance = routed(
            &mut z,
            &iface::balanceOfCall {
                owner: ALICE,
                id: pool_id,
            }
            .abi_encode(),
        )
        .unwrap();
        assert_eq!(U256::from_be_slice(&balance), ret.liquidity);
        // swap() with a bytes payload reaches zammCall with the exact payload.
        vm.set_code(BOB, vec![1]);
        let swap = iface::swapCall {
            poolKey: key,
            amount0Out: U256::ZERO,
            amount1Out: U256::from(1000),
            to: BOB,
            data: vec![0xab; 40].into(),
        };
        let mut callee = 0xfe2c_bab7u32.to_be_bytes().to_vec();
        for word in [
            pool_id,
            addr_word(ALICE),
            U256::ZERO,
            U256::from(1000),
            U256::from(0xa0),
            U256::from(40),
        ] {
            callee.extend_from_slice(&word.to_be_bytes::<32>());
        }
        callee.extend_from_slice(&[0xab; 40]);
        callee.resize(callee.len() + 24, 0);
        vm.mock_call(BOB, callee, U256::ZERO, Err(b"seen".to_vec()));
        assert_eq!(routed(&mut z, &swap.abi_encode()), Err(ZammError::Bubble));
        assert_eq!(z.revert_data(ZammError::Bubble), b"seen");
        assert_eq!(z.revert_data(ZammError::K), 0xa932_492fu32.to_be_bytes());
    }

    #[test]
    fn constructor_selector_runs_once_and_accepts_value() {
        let (vm, mut z) = undeployed();
        vm.set_tx_origin(BOB);
        vm.set_value(U256::from(7));
        let input = CONSTRUCTOR_SELECTOR.to_be_bytes();
        assert_eq!(routed(&mut z, &input), Ok(vec![]));
        assert_eq!(vm.get_storage(crate::storage::FEE_TO_SETTER_SLOT), a(BOB));
        vm.set_value(U256::ZERO);
        assert_eq!(routed(&mut z, &input), Err(ZammError::Revert));
    }

    #[test]
    fn constructor_selector_refuses_an_initialised_contract() {
        // Init code stored ORIGIN but no guard marker: the constructor still refuses.
        let (vm, mut z) = setup();
        vm.set_tx_origin(BOB);
        let input = CONSTRUCTOR_SELECTOR.to_be_bytes();
        assert_eq!(routed(&mut z, &input), Err(ZammError::Unauthorized));
        assert_eq!(vm.get_storage(crate::storage::FEE_TO_SETTER_SLOT), a(ALICE));
    }
}
