//! Errors returned to the host: mlua's `Error`, plus mani's limits.

use super::Value;
use crate::meter::Limit;
use std::error::Error as StdError;
use std::fmt;
use std::sync::Arc;

/// An error from the Lua State or from a conversion.
///
/// Errors raised by Lua code with a string value arrive as [`Error::RuntimeError`]
/// (the message carries `chunk:line:`); with any other value (`error({code = 42})`)
/// as [`Error::LuaValue`], which keeps the value. Errors a Rust callback returned
/// come back wrapped in [`Error::CallbackError`]. Limits have their own variants and
/// cannot be caught by `pcall`.
///
/// ```
/// use mani::{Error, Lua};
/// let lua = Lua::new();
/// let err = lua.load("error({code = 42})").exec().unwrap_err();
/// let Error::LuaValue { value, .. } = err else { panic!() };
/// let code: i64 = value.as_table().unwrap().get("code").unwrap();
/// assert_eq!(code, 42);
/// ```
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum Error {
    /// The source did not compile. `incomplete_input` is true when more input could
    /// complete it (the REPL continues the statement on the next line).
    SyntaxError {
        /// `chunk:line: message near 'token'`.
        message: String,
        /// The source ended where more was expected.
        incomplete_input: bool,
    },
    /// A Lua error whose value is a string (or number).
    RuntimeError(String),
    /// The memory quota was exceeded (`not enough memory`); `pcall` cannot catch it.
    MemoryError(String),
    /// An unsafe operation was refused (for example a binary chunk in the sandbox).
    SafetyError(String),
    /// A `create_function_mut` callback was called while it was already running.
    RecursiveMutCallback,
    /// A scoped callback or userdata was used after its scope ended.
    CallbackDestructed,
    /// Too many arguments or results for the Lua stack.
    StackError,
    /// A callback argument did not convert.
    BadArgument {
        /// The function called, if known.
        to: Option<String>,
        /// The argument's position (1-based).
        pos: usize,
        /// The argument's name, if known (`self` for methods).
        name: Option<String>,
        /// Why it did not convert.
        cause: Arc<Error>,
    },
    /// A Lua value did not convert to the Rust type.
    FromLuaConversionError {
        /// The Lua type.
        from: &'static str,
        /// The Rust type.
        to: String,
        /// Details, if any.
        message: Option<String>,
    },
    /// A Rust value did not convert to a Lua value.
    ToLuaConversionError {
        /// The Rust type.
        from: String,
        /// The Lua type.
        to: &'static str,
        /// Details, if any.
        message: Option<String>,
    },
    /// `Thread::resume` on a coroutine that is running, normal or finished.
    CoroutineUnresumable,
    /// The userdata is not of the expected Rust type.
    UserDataTypeMismatch,
    /// The userdata's value was taken or destroyed.
    UserDataDestructed,
    /// The userdata is mutably borrowed.
    UserDataBorrowError,
    /// The userdata is borrowed.
    UserDataBorrowMutError,
    /// A metamethod that the API manages itself (`__gc`, `__metatable`).
    MetaMethodRestricted(String),
    /// A metamethod value of an unsupported type.
    MetaMethodTypeError {
        /// The metamethod.
        method: String,
        /// The type given for it.
        type_name: &'static str,
        /// Details, if any.
        message: Option<String>,
    },
    /// A `RegistryKey` used with a State it does not belong to.
    MismatchedRegistryKey,
    /// An error returned by a Rust callback, with the Lua traceback where it was
    /// raised.
    CallbackError {
        /// The Lua traceback where the callback was called.
        traceback: String,
        /// What the callback returned.
        cause: Arc<Error>,
    },
    /// A panic that was resumed once and returned again.
    PreviouslyResumedPanic,
    /// A custom error from host code.
    ExternalError(Arc<dyn StdError + Send + Sync>),
    /// An error with added context.
    WithContext {
        /// The added context.
        context: String,
        /// The error it explains.
        cause: Arc<Error>,
    },
    /// mani: a Lua error whose value is not a string; `message` is how lua5.4 would
    /// show it (its `__tostring`, or `(error object is a table value)`).
    LuaValue {
        /// The value as lua5.4 would show it.
        message: String,
        /// The error value itself.
        value: Value,
    },
    /// mani: the cost budget ran out (`chunk:line: budget exhausted`); `pcall` cannot
    /// catch it.
    BudgetExhausted(String),
    /// mani: the step limit was reached (`chunk:line: step limit reached`).
    StepLimit(String),
    /// mani: the call paused under `Policy::Pause`; continue it with
    /// [`Lua::resume`](super::Lua::resume) (a coroutine: [`Thread::resume`](super::Thread::resume)
    /// again). [`Task`](super::Task)s report pauses as [`TaskState::Paused`](super::TaskState::Paused) instead.
    Paused,
}

/// `Result` with [`Error`].
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    /// A runtime error with a message.
    pub fn runtime<S: fmt::Display>(message: S) -> Self {
        Error::RuntimeError(message.to_string())
    }

    /// Wraps any error type as an [`Error::ExternalError`].
    pub fn external<T: Into<Box<dyn StdError + Send + Sync>>>(err: T) -> Error {
        Error::ExternalError(err.into().into())
    }

    /// The limit this error reports, if it is one of mani's limits.
    pub fn limit(&self) -> Option<Limit> {
        match self {
            Error::MemoryError(_) => Some(Limit::Memory),
            Error::BudgetExhausted(_) => Some(Limit::Budget),
            Error::StepLimit(_) => Some(Limit::Steps),
            _ => None,
        }
    }

    /// Downcasts an external error (possibly wrapped by callbacks or context).
    pub fn downcast_ref<T: StdError + 'static>(&self) -> Option<&T> {
        match self {
            Error::ExternalError(e) => e.downcast_ref(),
            Error::CallbackError { cause, .. } | Error::WithContext { cause, .. } => {
                cause.downcast_ref()
            }
            _ => None,
        }
    }

    pub(crate) fn from_conv(from: &'static str, to: &str, message: Option<String>) -> Error {
        Error::FromLuaConversionError {
            from,
            to: to.to_string(),
            message,
        }
    }

    /// A compile error; input that ended early is marked incomplete (the REPL
    /// continues such a statement on the next line).
    pub(crate) fn syntax(message: String) -> Error {
        Error::SyntaxError {
            incomplete_input: message.ends_with("<eof>") || message.ends_with("'<eof>'"),
            message,
        }
    }

    pub(crate) fn mismatched_state() -> Error {
        Error::RuntimeError("mani: a handle was used with a Lua state it does not belong to".into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::SyntaxError { message, .. } => write!(f, "syntax error: {message}"),
            Error::RuntimeError(m) => write!(f, "runtime error: {m}"),
            Error::MemoryError(m) => write!(f, "memory error: {m}"),
            Error::SafetyError(m) => write!(f, "safety error: {m}"),
            Error::RecursiveMutCallback => write!(f, "mutable callback called recursively"),
            Error::CallbackDestructed => write!(
                f,
                "a destructed callback or destructed userdata method was called"
            ),
            Error::StackError => write!(
                f,
                "out of Lua stack, too many arguments to a Lua function or too many return values from a callback"
            ),
            Error::BadArgument {
                to,
                pos,
                name,
                cause,
            } => {
                match name {
                    Some(n) => write!(f, "bad argument `{n}`")?,
                    None => write!(f, "bad argument #{pos}")?,
                }
                if let Some(to) = to {
                    write!(f, " to `{to}`")?;
                }
                write!(f, ": {cause}")
            }
            Error::FromLuaConversionError { from, to, message } => {
                write!(f, "error converting Lua {from} to {to}")?;
                match message {
                    Some(m) => write!(f, " ({m})"),
                    None => Ok(()),
                }
            }
            Error::ToLuaConversionError { from, to, message } => {
                write!(f, "error converting {from} to Lua {to}")?;
                match message {
                    Some(m) => write!(f, " ({m})"),
                    None => Ok(()),
                }
            }
            Error::CoroutineUnresumable => write!(f, "coroutine is non-resumable"),
            Error::UserDataTypeMismatch => write!(f, "userdata is not expected type"),
            Error::UserDataDestructed => write!(f, "userdata has been destructed"),
            Error::UserDataBorrowError => write!(f, "error borrowing userdata"),
            Error::UserDataBorrowMutError => write!(f, "error mutably borrowing userdata"),
            Error::MetaMethodRestricted(m) => write!(f, "metamethod {m} is restricted"),
            Error::MetaMethodTypeError {
                method,
                type_name,
                message,
            } => {
                write!(f, "metamethod {method} has unsupported type {type_name}")?;
                match message {
                    Some(m) => write!(f, " ({m})"),
                    None => Ok(()),
                }
            }
            Error::MismatchedRegistryKey => {
                write!(f, "RegistryKey used from different Lua state")
            }
            Error::CallbackError { traceback, cause } => {
                // Show the innermost cause with the outermost traceback.
                let mut cause = cause;
                while let Error::CallbackError { cause: c, .. } = &**cause {
                    cause = c;
                }
                writeln!(f, "{cause}")?;
                write!(f, "{}", traceback.trim_end())
            }
            Error::PreviouslyResumedPanic => write!(f, "previously resumed panic returned again"),
            Error::ExternalError(e) => write!(f, "{e}"),
            Error::WithContext { context, cause } => {
                writeln!(f, "{context}")?;
                write!(f, "{cause}")
            }
            Error::LuaValue { message, .. } => write!(f, "runtime error: {message}"),
            Error::BudgetExhausted(m) | Error::StepLimit(m) => write!(f, "{m}"),
            Error::Paused => write!(f, "call paused (budget exhausted under the Pause policy)"),
        }
    }
}

impl StdError for Error {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            Error::BadArgument { cause, .. } => Some(&**cause),
            Error::ExternalError(e) => Some(&**e),
            _ => None,
        }
    }
}

/// Converts any error into an [`Error`] (mlua's `into_lua_err`).
///
/// ```
/// use mani::ExternalError;
/// let e = std::io::Error::other("disk on fire").into_lua_err();
/// assert_eq!(e.to_string(), "disk on fire");
/// ```
pub trait ExternalError {
    /// Wraps the error as an [`Error::ExternalError`].
    fn into_lua_err(self) -> Error;
}

impl<E: Into<Box<dyn StdError + Send + Sync>>> ExternalError for E {
    fn into_lua_err(self) -> Error {
        Error::external(self)
    }
}

/// [`ExternalError`] for results.
pub trait ExternalResult<T> {
    /// Wraps the error, if any, as an [`Error::ExternalError`].
    fn into_lua_err(self) -> Result<T>;
}

impl<T, E: ExternalError> ExternalResult<T> for std::result::Result<T, E> {
    fn into_lua_err(self) -> Result<T> {
        self.map_err(|e| e.into_lua_err())
    }
}

/// Adds context to errors (mlua's `ErrorContext`).
pub trait ErrorContext: Sized {
    /// Wraps the error with a context message.
    fn context<C: fmt::Display>(self, context: C) -> Self;
    /// Wraps the error with a context message computed from it.
    fn with_context<C: fmt::Display>(self, f: impl FnOnce(&Error) -> C) -> Self;
}

impl ErrorContext for Error {
    fn context<C: fmt::Display>(self, context: C) -> Self {
        Error::WithContext {
            context: context.to_string(),
            cause: Arc::new(self),
        }
    }
    fn with_context<C: fmt::Display>(self, f: impl FnOnce(&Error) -> C) -> Self {
        let context = f(&self).to_string();
        self.context(context)
    }
}

impl<T> ErrorContext for Result<T> {
    fn context<C: fmt::Display>(self, context: C) -> Self {
        self.map_err(|e| e.context(context))
    }
    fn with_context<C: fmt::Display>(self, f: impl FnOnce(&Error) -> C) -> Self {
        self.map_err(|e| e.with_context(f))
    }
}

impl From<std::io::Error> for Error {
    fn from(e: std::io::Error) -> Self {
        Error::external(e)
    }
}
