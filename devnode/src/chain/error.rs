//! Errors of chain operations, worded like geth's so tools recognise them.

use std::fmt;

use alloy_primitives::{Address, Bytes};
use revm::context_interface::result::{EVMError, HaltReason, InvalidHeader, InvalidTransaction};

/// Why a chain operation failed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ChainError {
    /// Bad request parameters.
    InvalidParams(String),
    /// Malformed transaction.
    InvalidTx(String),
    /// Signature does not recover.
    InvalidSignature,
    /// Transaction signed for another chain.
    WrongChainId { got: u64, want: u64 },
    /// Raw transaction over the size limit.
    TxTooLarge(usize),
    /// Transaction already mined.
    AlreadyKnown,
    /// Rejected by validation (nonce, funds, gas, fees); message as geth words it.
    Rejected(String),
    /// The sender cannot pay.
    InsufficientFunds(String),
    /// Execution reverted with this data.
    Reverted(Bytes),
    /// Execution halted (out of gas, invalid opcode, ...).
    Halted(String),
    /// `eth_sendTransaction` from an account the node has no key for.
    UnknownAccount(Address),
    /// Only the latest state is kept.
    HistoricalState(u64),
    /// Block not found.
    UnknownBlock,
    /// Internal failure (database or a caught panic).
    Internal(String),
}

impl ChainError {
    /// Converts revm's error.
    pub fn from_evm<E: fmt::Debug>(error: EVMError<E>) -> Self {
        match error {
            EVMError::Transaction(tx) => Self::from_invalid_tx(tx),
            EVMError::Header(InvalidHeader::PrevrandaoNotSet) => {
                Self::Internal("prevrandao not set".into())
            }
            other => Self::Internal(format!("{other:?}")),
        }
    }

    fn from_invalid_tx(error: InvalidTransaction) -> Self {
        use InvalidTransaction as T;
        match error {
            T::NonceTooLow { tx, state } => {
                Self::Rejected(format!("nonce too low: next nonce {state}, tx nonce {tx}"))
            }
            T::NonceTooHigh { tx, state } => {
                Self::Rejected(format!("nonce too high: next nonce {state}, tx nonce {tx}"))
            }
            T::LackOfFundForMaxFee { fee, balance } => Self::InsufficientFunds(format!(
                "insufficient funds for gas * price + value: balance {balance}, tx cost {fee}"
            )),
            T::CallGasCostMoreThanGasLimit {
                initial_gas,
                gas_limit,
            } => Self::Rejected(format!(
                "intrinsic gas too low: gas {gas_limit}, minimum needed {initial_gas}"
            )),
            T::GasFloorMoreThanGasLimit {
                gas_floor,
                gas_limit,
            } => Self::Rejected(format!(
                "insufficient gas for floor data gas cost: gas {gas_limit}, minimum needed {gas_floor}"
            )),
            T::GasPriceLessThanBasefee => {
                Self::Rejected("max fee per gas less than block base fee".into())
            }
            T::PriorityFeeGreaterThanMaxFee => Self::Rejected(
                "max priority fee per gas higher than max fee per gas".into(),
            ),
            T::CallerGasLimitMoreThanBlock => Self::Rejected("exceeds block gas limit".into()),
            T::RejectCallerWithCode => Self::Rejected("sender not an eoa".into()),
            T::CreateInitCodeSizeLimit => Self::Rejected("max initcode size exceeded".into()),
            T::InvalidChainId | T::MissingChainId => Self::Rejected("invalid chain id".into()),
            other => Self::Rejected(other.to_string()),
        }
    }
}

impl fmt::Display for ChainError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::InvalidParams(m) => write!(f, "invalid params: {m}"),
            Self::InvalidTx(m) => write!(f, "invalid transaction: {m}"),
            Self::InvalidSignature => write!(f, "invalid transaction signature"),
            Self::WrongChainId { got, want } => {
                write!(f, "invalid chain id: transaction has {got}, node is {want}")
            }
            Self::TxTooLarge(size) => {
                write!(f, "oversized data: transaction size {size}, limit {}", super::MAX_TX_SIZE)
            }
            Self::AlreadyKnown => write!(f, "already known"),
            Self::Rejected(m) | Self::InsufficientFunds(m) => write!(f, "{m}"),
            Self::Reverted(_) => write!(f, "execution reverted"),
            Self::Halted(reason) => write!(f, "{reason}"),
            Self::UnknownAccount(a) => write!(f, "unknown account {a}"),
            Self::HistoricalState(n) => write!(
                f,
                "historical state for block {n} is not available (the devnode keeps only the latest state)"
            ),
            Self::UnknownBlock => write!(f, "header not found"),
            Self::Internal(m) => write!(f, "internal error: {m}"),
        }
    }
}

/// geth-like wording of an exceptional halt.
pub fn halt_message(reason: &HaltReason) -> String {
    match reason {
        HaltReason::OutOfGas(_) => "out of gas".into(),
        HaltReason::NotActivated => "ProgramNotActivated(): Stylus program is not activated".into(),
        HaltReason::InvalidFEOpcode => "invalid opcode: INVALID".into(),
        HaltReason::OpcodeNotFound => "invalid opcode".into(),
        HaltReason::StackOverflow => "stack limit reached".into(),
        HaltReason::CreateContractStartingWithEF => "invalid code: must not begin with 0xef".into(),
        HaltReason::CallTooDeep => "max call depth exceeded".into(),
        HaltReason::StateChangeDuringStaticCall => "write protection".into(),
        other => format!("{other:?}"),
    }
}
