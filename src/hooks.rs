//! `feeOrHook` decoding and the hook / flash-callback calls (spec §2.2, §2.5 `swap`).
//!
//! `feeOrHook <= 10000` is a plain fee in basis points. Above that, the low 160 bits are a hook
//! address and bits 255/254 select `beforeAction`/`afterAction`; with neither flag set the hook
//! is after-only. Hooked pools trade at fee 0 unless `beforeAction` returns a non-zero fee
//! (unbounded: above 10000 the pricing panics, as in the reference).

use stylus_sdk::{
    alloy_primitives::{Address, U256},
    function_selector,
};

use crate::{
    math::BPS,
    storage::{addr_word, word_addr},
    transfer::calldata,
    ZammError, ZAMM,
};

/// Bit 255: call `beforeAction`.
const FLAG_BEFORE: U256 = U256::from_limbs([0, 0, 0, 1 << 63]);
/// Bit 254: call `afterAction`.
const FLAG_AFTER: U256 = U256::from_limbs([0, 0, 0, 1 << 62]);

/// A decoded `feeOrHook`.
pub(crate) struct Hook {
    /// Base fee in bps (0 for hooked pools).
    pub fee: U256,
    /// Hook contract (zero for plain fee pools).
    pub addr: Address,
    /// Call `beforeAction` (may override the fee).
    pub before: bool,
    /// Call `afterAction` with the pool deltas.
    pub after: bool,
}

impl Hook {
    /// Splits `feeOrHook` into fee, hook address and flags.
    pub(crate) fn decode(fee_or_hook: U256) -> Hook {
        if fee_or_hook <= BPS {
            return Hook {
                fee: fee_or_hook,
                addr: Address::ZERO,
                before: false,
                after: false,
            };
        }
        let before = fee_or_hook.bit(255);
        let after = fee_or_hook.bit(254) || !before;
        Hook {
            fee: U256::ZERO,
            addr: word_addr(fee_or_hook),
            before,
            after,
        }
    }
}

/// Creation-time validity: a fee in `0..=10000`, or flags plus an address with bits 160..253
/// clear.
pub(crate) fn is_valid_fee_or_hook(fee_or_hook: U256) -> bool {
    fee_or_hook <= BPS || ((fee_or_hook & !(FLAG_BEFORE | FLAG_AFTER)) >> 160usize).is_zero()
}

/// A bytes4 as a left-aligned ABI word.
fn selector_word(sig: [u8; 4]) -> U256 {
    let mut word = [0u8; 32];
    word[..4].copy_from_slice(&sig);
    U256::from_be_bytes(word)
}

impl ZAMM {
    /// Runs `beforeAction(sig, poolId, msg.sender, data)` if flagged and returns the fee for
    /// this action: the hook's non-zero answer, else the decoded base fee.
    pub(crate) fn before_action(
        &mut self,
        hook: &Hook,
        sig: [u8; 4],
        pool_id: U256,
        data: &[u8],
    ) -> Result<U256, ZammError> {
        if !hook.before {
            return Ok(hook.fee);
        }
        let sender = addr_word(self.sender());
        let call = calldata(
            function_selector!(
                "beforeAction",
                stylus_sdk::alloy_primitives::FixedBytes<4>,
                U256,
                Address,
                stylus_sdk::abi::Bytes
            ),
            &[selector_word(sig), pool_id, sender],
            data,
        );
        let len = self.call_checked(hook.addr, &call)?;
        // `returns (uint256)`: fewer than 32 bytes (e.g. no code at the hook) reverts empty.
        let fee = self.return_word(len).ok_or(ZammError::Revert)?;
        Ok(if fee.is_zero() { hook.fee } else { fee })
    }

    /// Runs `afterAction(sig, poolId, msg.sender, d0, d1, dLiq, data)` if flagged and the hook
    /// is non-zero. Deltas are int256 words (two's complement), from the pool's point of view.
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn after_action(
        &mut self,
        hook: &Hook,
        sig: [u8; 4],
        pool_id: U256,
        d0: U256,
        d1: U256,
        d_liq: U256,
        data: &[u8],
    ) -> Result<(), ZammError> {
        if !hook.after || hook.addr.is_zero() {
            return Ok(());
        }
        self.require_code(hook.addr)?;
        let sender = addr_word(self.sender());
        let call = calldata(
            function_selector!(
                "afterAction",
                stylus_sdk::alloy_primitives::FixedBytes<4>,
                U256,
                Address,
                stylus_sdk::alloy_primitives::I256,
                stylus_sdk::alloy_primitives::I256,
                stylus_sdk::alloy_primitives::I256,
                stylus_sdk::abi::Bytes
            ),
            &[selector_word(sig), pool_id, sender, d0, d1, d_liq],
            data,
        );
        self.call_checked(hook.addr, &call)?;
        Ok(())
    }

    /// Flash callback `IZAMMCallee(to).zammCall(poolId, msg.sender, amount0Out, amount1Out,
    /// data)`; a codeless `to` reverts empty.
    pub(crate) fn zamm_call(
        &mut self,
        to: Address,
        pool_id: U256,
        amount0_out: U256,
        amount1_out: U256,
        data: &[u8],
    ) -> Result<(), ZammError> {
        self.require_code(to)?;
        let sender = addr_word(self.sender());
        let call = calldata(
            function_selector!(
                "zammCall",
                U256,
                Address,
                U256,
                U256,
                stylus_sdk::abi::Bytes
            ),
            &[pool_id, sender, amount0_out, amount1_out],
            data,
        );
        self.call_checked(to, &call)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn selectors_match_reference_interfaces() {
        let before = function_selector!(
            "beforeAction",
            stylus_sdk::alloy_primitives::FixedBytes<4>,
            U256,
            Address,
            stylus_sdk::abi::Bytes
        );
        assert_eq!(u32::from_be_bytes(before), 0x6e5f_7730);
        let after = function_selector!(
            "afterAction",
            stylus_sdk::alloy_primitives::FixedBytes<4>,
            U256,
            Address,
            stylus_sdk::alloy_primitives::I256,
            stylus_sdk::alloy_primitives::I256,
            stylus_sdk::alloy_primitives::I256,
            stylus_sdk::abi::Bytes
        );
        assert_eq!(u32::from_be_bytes(after), 0x6673_2472);
        let callee = function_selector!(
            "zammCall",
            U256,
            Address,
            U256,
            U256,
            stylus_sdk::abi::Bytes
        );
        assert_eq!(u32::from_be_bytes(callee), 0xfe2c_bab7);
    }

    #[test]
    fn plain_fees_have_no_hook() {
        for v in [0u64, 30, 10_000] {
            let h = Hook::decode(U256::from(v));
            assert_eq!(h.fee, U256::from(v));
            assert!(h.addr.is_zero() && !h.before && !h.after);
        }
    }

    #[test]
    fn hooks_default_to_after_only_with_zero_fee() {
        let h = Hook::decode(U256::from(10_001));
        assert_eq!((h.fee, h.before, h.after), (U256::ZERO, false, true));
        assert_eq!(h.addr, word_addr(U256::from(10_001)));
        let addr = U256::from_be_slice(&[0x11; 20]);
        let h = Hook::decode(addr | FLAG_BEFORE);
        assert_eq!((h.before, h.after), (true, false));
        assert_eq!(addr_word(h.addr), addr);
        let h = Hook::decode(addr | FLAG_AFTER);
        assert_eq!((h.before, h.after), (false, true));
        let h = Hook::decode(addr | FLAG_BEFORE | FLAG_AFTER);
        assert_eq!((h.before, h.after), (true, true));
    }

    #[test]
    fn validity_matrix() {
        let addr = U256::from_be_slice(&[0x22; 20]);
        assert!(is_valid_fee_or_hook(U256::ZERO));
        assert!(is_valid_fee_or_hook(U256::from(10_000)));
        assert!(is_valid_fee_or_hook(U256::from(10_001)));
        assert!(is_valid_fee_or_hook(addr | FLAG_BEFORE | FLAG_AFTER));
        assert!(!is_valid_fee_or_hook(addr | (U256::from(1) << 200)));
        assert!(!is_valid_fee_or_hook(U256::from(1) << 160));
        assert!(!is_valid_fee_or_hook(addr | (U256::from(1) << 253)));
    }
}
